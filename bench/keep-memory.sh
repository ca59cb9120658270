#!/usr/bin/env bash
# Runs a benchmark (the arguments) on a machine that keeps its memory.
#   bench/keep-memory.sh bench/run.sh sessions 1000
# This project's VMs (Firecracker guests) give the memory their kernel frees back to the host (free page reporting),
# and a page used again after that costs a fault in the host (docs/benchmarks.md, "The machine's memory"). The hub
# takes new pages all the time at load, above all for the page cache its recordings fill, so that cost is in its CPU
# per chunk, and how much of it depends on how much the machine freed shortly before.
# This pauses the reporting for the command's run (set back at its end, however it ends) and touches the free memory
# once first, so the servers meet memory the host has already given, as on a node whose memory is its own (bare metal,
# a VM without free page reporting). Each report says which it was (bench/server.sh, machine_note). Needs root.
set -euo pipefail
[ $# -gt 0 ] || { awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" >&2; exit 2; }
order=/sys/module/page_reporting/parameters/page_reporting_order
if [ ! -w "$order" ]; then
  echo "no free page reporting to pause here (or not root): the command runs on the machine as it is" >&2
  exec "$@"
fi

was=$(cat "$order")
fill=$(mktemp -d)
restore() { ! mountpoint -q "$fill" || umount "$fill"; rmdir "$fill"; echo "$was" > "$order"; }
trap restore EXIT
# Above the largest block the kernel's allocator makes (order 10): no free block is ever large enough to report.
echo 11 > "$order"
# Touched once through a file system in memory (tmpfs), which gives it back when unmounted, all but 1.5 GB of what is
# available: the host backs every page once, and the pages freed stay the guest's.
size_mb=$(awk '/^MemAvailable/ { print int($2 / 1024) - 1536 }' /proc/meminfo)
if [ "$size_mb" -gt 0 ]; then
  mount -t tmpfs -o size="${size_mb}m" tmpfs "$fill"
  dd if=/dev/zero of="$fill/touch" bs=1M count="$size_mb" status=none
  umount "$fill"
fi
"$@"
