# shellcheck shell=bash disable=SC2034
# Shared by up.sh and down.sh: state layout and process bookkeeping of the lab.
# A process is "ours" only when run/<name>.pid holds its PID *and* its start time
# (field 22 of /proc/PID/stat), so a reused PID is never mistaken for a lab process.

OSLAB_DIR=${OSLAB_DIR:-/tmp/iot-portal-openstack-lab}
OSLAB_PASSWORD=${OSLAB_PASSWORD:-password}
OSLAB_HOST=127.0.0.1

OSLAB_BIN=$OSLAB_DIR/bin
OSLAB_ETC=$OSLAB_DIR/etc
OSLAB_LOG=$OSLAB_DIR/log
OSLAB_RUN=$OSLAB_DIR/run
OSLAB_STATE=$OSLAB_DIR/state
OSLAB_PYLIB=$OSLAB_DIR/pylib

# Debian's interpreter, never a pyenv/virtualenv one that lacks the OpenStack packages.
OSLAB_PYTHON=/usr/bin/python3

# Start order; down.sh stops in reverse.
OSLAB_SERVICES=(epmd mariadb memcached rabbitmq keystone glance-api placement
    neutron-server nova-api nova-conductor nova-scheduler nova-compute)

oslab_log() { printf '[oslab %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
oslab_die() {
    printf '[oslab] ERROR: %s\n' "$*" >&2
    exit 1
}

# Prints "state starttime" of a PID, or nothing if it does not exist.
oslab_proc_stat() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    # The command name (field 2) may contain spaces; everything after the last ')' is fixed.
    stat=${stat##*) }
    local fields
    read -r -a fields <<<"$stat"
    printf '%s %s\n' "${fields[0]}" "${fields[19]}"
}

oslab_is_running() {
    local name=$1 pidfile=$OSLAB_RUN/$1.pid pid recorded_start state start
    [[ -s $pidfile ]] || return 1
    read -r pid recorded_start <"$pidfile" || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    read -r state start < <(oslab_proc_stat "$pid") || return 1
    # A zombie has exited; init reaps it a little later.
    [[ $state != Z && $start == "$recorded_start" ]]
}

oslab_pid() {
    local pid _
    read -r pid _ <"$OSLAB_RUN/$1.pid"
    printf '%s\n' "$pid"
}
