#!/bin/bash
# Stops exactly the processes up.sh started: each service was started in its own session, so
# the recorded PID (checked against its recorded start time) names the session whose members
# get SIGTERM, then SIGKILL after OSLAB_STOP_GRACE seconds (default 30). Never kills by name.
# Keeps the state; `down.sh --purge` also deletes $OSLAB_DIR.
set -euo pipefail

LAB_SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$LAB_SOURCE_DIR/lib.sh"

GRACE_S=${OSLAB_STOP_GRACE:-30}
PURGE=0
[[ ${1:-} == --purge ]] && PURGE=1

T_START=$(date +%s)

session_members() { ps -e -o pid=,sid= | awk -v sid="$1" '$2 == sid { print $1 }'; }

signal_session() {
    local signal=$1 sid=$2 pid
    for pid in $(session_members "$sid"); do
        kill "-$signal" "$pid" 2>/dev/null || true
    done
}

# Reverse start order: API services before the broker and the database they use.
TO_STOP=()
for ((i = ${#OSLAB_SERVICES[@]} - 1; i >= 0; i--)); do
    name=${OSLAB_SERVICES[i]}
    if oslab_is_running "$name"; then
        TO_STOP+=("$name")
    else
        rm -f "$OSLAB_RUN/$name.pid"
    fi
done

stop_group() {
    local name pid deadline alive
    for name in "$@"; do
        pid=$(oslab_pid "$name")
        oslab_log "stopping $name (session $pid)"
        signal_session TERM "$pid"
    done
    deadline=$(($(date +%s) + GRACE_S))
    while :; do
        alive=()
        for name in "$@"; do
            pid=$(oslab_pid "$name")
            [[ -n $(session_members "$pid" | while read -r member; do
                read -r state _ < <(oslab_proc_stat "$member") && [[ $state != Z ]] && echo "$member"
            done) ]] && alive+=("$name")
        done
        ((${#alive[@]} == 0)) && break
        if (($(date +%s) >= deadline)); then
            for name in "${alive[@]}"; do
                oslab_log "$name did not stop within ${GRACE_S}s: SIGKILL"
                signal_session KILL "$(oslab_pid "$name")"
            done
            sleep 1
            break
        fi
        sleep 0.3
    done
    for name in "$@"; do rm -f "$OSLAB_RUN/$name.pid"; done
}

OPENSTACK=() INFRA=()
for name in "${TO_STOP[@]}"; do
    case $name in
    epmd | mariadb | memcached | rabbitmq) INFRA+=("$name") ;;
    *) OPENSTACK+=("$name") ;;
    esac
done
((${#OPENSTACK[@]} == 0)) || stop_group "${OPENSTACK[@]}"
# RabbitMQ deregisters from epmd while stopping, so epmd goes last.
INFRA_NO_EPMD=()
for name in "${INFRA[@]}"; do [[ $name == epmd ]] || INFRA_NO_EPMD+=("$name"); done
((${#INFRA_NO_EPMD[@]} == 0)) || stop_group "${INFRA_NO_EPMD[@]}"
[[ " ${INFRA[*]} " != *" epmd "* ]] || stop_group epmd

if ((PURGE)); then
    case $OSLAB_DIR in
    /tmp/?* | /var/tmp/?* | /work/?*) rm -rf "$OSLAB_DIR" ;;
    *) oslab_die "refusing to purge $OSLAB_DIR (not under /tmp, /var/tmp or /work)" ;;
    esac
fi
oslab_log "stopped ${#TO_STOP[@]} services in $(($(date +%s) - T_START)) s"
