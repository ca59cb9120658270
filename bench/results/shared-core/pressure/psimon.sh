#!/bin/bash
# Moves the bench's server into a cgroup-v2 group of its own (the unified hierarchy) and logs its cpu.pressure and CPU.
cg=/sys/fs/cgroup/unified/roleplayhub-psi
mkdir -p $cg
out=$1
while :; do
  pid=$(pgrep -f "RoleplayHub.Backend.dll" | head -1)
  [ -n "$pid" ] && break
  sleep 0.2
done
echo $pid > $cg/cgroup.procs
echo "pid $pid" > $out
while kill -0 $pid 2>/dev/null; do
  some=$(awk '/^some/ { split($5,a,"="); print a[2] }' $cg/cpu.pressure)
  full=$(awk '/^full/ { split($5,a,"="); print a[2] }' $cg/cpu.pressure)
  sys=$(awk '/^some/ { split($5,a,"="); print a[2] }' /proc/pressure/cpu)
  cpu=$(awk '{ print $14 + $15 }' /proc/$pid/stat 2>/dev/null)
  echo "$(date +%s.%N) $some $full $sys $cpu" >> $out
  sleep 1
done
