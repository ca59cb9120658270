#!/usr/bin/env bash
# A local scale-out cluster on loopback, no containers (docs/deployment.md): Redis (backplane + session leases), a
# throwaway PostgreSQL (the shared history), 3 nodes of the Release build, and nginx in front with sticky routing.
#
#   scripts/cluster.sh up          start everything (builds first); prints the URL; state and logs in $CLUSTER_DIR
#   scripts/cluster.sh status      /readyz of each node and of nginx
#   scripts/cluster.sh kill N      SIGKILL node N (0, 1 or 2), as in a crash: its sessions' leases lapse in LeaseTtl
#   scripts/cluster.sh down        stop what `up` started (by the pids it recorded) and delete the state
#
# Env: CLUSTER_DIR (/tmp/roleplayhub-cluster), CLUSTER_PORT (nginx, 8080), NODE_PORT (first node, 5081; then +1, +2),
#      REDIS_PORT (6391), PG_PORT (5441), CLUSTER_PROVIDERS (e.g. latency-model: the modelled speech and AI providers). Needs redis-server, postgresql and nginx (apt: `scripts/setup.sh test` and
#      nginx-light or nginx).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${CLUSTER_DIR:-/tmp/roleplayhub-cluster}
port=${CLUSTER_PORT:-8080}
node_port=${NODE_PORT:-5081}
redis_port=${REDIS_PORT:-6391}
pg_port=${PG_PORT:-5441}
key=cluster-signing-key-cluster-signing-key-01
media_key=cluster-media-key-cluster-media-key-0123
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then as_postgres=(runuser -u postgres --); fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

up() {
  [ ! -e "$dir/pids" ] || { echo "cluster: already up ($dir); run '$0 down' first" >&2; exit 1; }
  for tool in redis-server nginx "$pg_bin/pg_ctl"; do
    command -v "$tool" > /dev/null || { echo "cluster: $tool is missing (apt: redis-server, nginx-light, postgresql)" >&2; exit 1; }
  done
  dotnet build RoleplayHub.sln -c Release -v quiet -nologo > /dev/null
  mkdir -p "$dir"/{pg,run,nginx,logs}
  : > "$dir/pids"

  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$dir/run/redis.pid" --logfile "$dir/logs/redis.log"
  until [ -s "$dir/run/redis.pid" ]; do sleep 0.1; done
  echo "redis $(cat "$dir/run/redis.pid")" >> "$dir/pids"

  [ "$(id -u)" -ne 0 ] || chown -R postgres:postgres "$dir/pg" "$dir/run" "$dir/logs"
  "${as_postgres[@]}" "$pg_bin/initdb" -D "$dir/pg" -U postgres --auth=trust -E UTF8 --locale=C > "$dir/logs/initdb.log"
  "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/logs/postgres.log" -w -o "-p $pg_port -k $dir/run -c listen_addresses=127.0.0.1" start > /dev/null
  echo "postgres $(head -1 "$dir/pg/postmaster.pid")" >> "$dir/pids"
  local connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=roleplayhub"

  # The schema once, by the first node (Database__MigrateOnStart); the others start after it is ready.
  # CLUSTER_PROVIDERS=latency-model: the modelled speech and AI providers (a node-loss trial measures the cluster, not
  # the speech stack).
  local extra=()
  if [ -n "${CLUSTER_PROVIDERS:-}" ]; then
    extra+=(Stt__Provider="$CLUSTER_PROVIDERS" Ai__Provider="$CLUSTER_PROVIDERS" Tts__Provider="$CLUSTER_PROVIDERS")
  fi

  local upstreams=""
  for n in 0 1 2; do
    local p=$((node_port + n))
    mkdir -p "$dir/node$n"
    env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$p" DataDirectory="$dir/node$n" \
      Auth__SigningKey=$key Media__SigningKey=$media_key Media__Directory="$dir/media" Logging__LogLevel__Default=Warning \
      Database__Provider=postgres Database__MigrateOnStart=$([ $n = 0 ] && echo true || echo false) ConnectionStrings__Postgres="$connection" \
      History__NodeId="node$n" ScaleOut__NodeId="node$n" ScaleOut__Redis="127.0.0.1:$redis_port" ScaleOut__ChannelPrefix=cluster "${extra[@]}" \
      dotnet Backend/bin/Release/net10.0/RoleplayHub.Backend.dll > "$dir/logs/node$n.log" 2>&1 &
    echo "node$n $!" >> "$dir/pids"
    until curl -sf "http://127.0.0.1:$p/readyz" > /dev/null; do
      kill -0 "$!" 2>/dev/null || { echo "cluster: node$n exited; see $dir/logs/node$n.log" >&2; exit 1; }
      sleep 0.3
    done
    upstreams+="    server 127.0.0.1:$p max_fails=1 fail_timeout=5s;"$'\n'
  done

  # Sticky: a client id cookie when the page sets one, else the client's address; consistent hashing moves only the
  # clients of a node that leaves. WebSockets upgraded, SSE and long polling unbuffered, reads longer than a long poll.
  cat > "$dir/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $dir/run/nginx.pid;
error_log $dir/logs/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log $dir/logs/nginx-access.log;
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  map \$cookie_rh_client \$roleplay_client { "" \$remote_addr; default \$cookie_rh_client; }
  map \$http_upgrade \$connection_upgrade { default upgrade; "" close; }
  upstream roleplay {
    hash \$roleplay_client consistent;
$upstreams  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://roleplay;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_read_timeout 120s;
      proxy_buffering off;
      client_max_body_size 1m;
    }
  }
}
EOF
  nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx"
  until [ -s "$dir/run/nginx.pid" ]; do sleep 0.1; done
  echo "nginx $(cat "$dir/run/nginx.pid")" >> "$dir/pids"
  echo "cluster: up at http://127.0.0.1:$port (nodes ${node_port}-$((node_port + 2)), Redis $redis_port, PostgreSQL $pg_port); logs in $dir/logs"
}

status() {
  for n in 0 1 2; do
    printf 'node%s  %s\n' "$n" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((node_port + n))/readyz" || true)"
  done
  printf 'nginx  %s\n' "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)"
}

kill_node() {
  local pid; pid=$(awk -v n="node$1" '$1 == n { print $2 }' "$dir/pids")
  [ -n "$pid" ] || { echo "cluster: no node$1" >&2; exit 1; }
  kill -KILL "$pid"
  echo "cluster: node$1 ($pid) killed"
}

down() {
  [ -e "$dir/pids" ] || { echo "cluster: not up"; return; }
  while read -r name pid; do
    case "$name" in
      postgres) "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$dir/pg" -m fast -w stop > /dev/null 2>&1 || true ;;
      nginx) nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx" -s quit 2>/dev/null || kill "$pid" 2>/dev/null || true ;;
      *) kill "$pid" 2>/dev/null || true ;;
    esac
  done < "$dir/pids"
  sleep 1
  rm -rf "$dir"
  echo "cluster: down"
}

case "${1:-}" in
  up) up ;;
  status) status ;;
  kill) kill_node "${2:?node number}" ;;
  down) down ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
