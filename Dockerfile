# RoleplayHub.Backend image for docker-compose.yml (docs/deployment.md). NOT built or run on the machine these files
# were written on (no Docker there): treat it as a starting point to verify.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish Backend/Backend.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# The offline speech stack (scripts/setup.sh runtime): PocketSphinx, espeak-ng, ffmpeg; curl for the health check.
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libpocketsphinx3 pocketsphinx-en-us libespeak-ng1 espeak-ng-data ffmpeg curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
# The runtime settings the product ships with (scripts/runtime-env.sh), chosen at start for the CPUs the container gets.
COPY scripts/runtime-env.sh /app/runtime-env.sh
ENV ASPNETCORE_URLS=http://0.0.0.0:5080 DataDirectory=/data
VOLUME /data
EXPOSE 5080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -sf http://127.0.0.1:5080/healthz || exit 1
ENTRYPOINT ["/bin/sh", "-c", ". /app/runtime-env.sh && exec dotnet RoleplayHub.Backend.dll \"$@\"", "roleplayhub"]
