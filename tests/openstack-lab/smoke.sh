#!/bin/bash
# Smoke test of a running lab with Debian's `openstack` CLI (an independent client):
# a token for the demo user, the seeded flavors/image/network, then a server on lab-net
# created, seen ACTIVE with an address from Neutron, and deleted. Exits non-zero at the
# first failure. Needs up.sh to have run (same OSLAB_DIR).
set -euo pipefail

LAB_SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$LAB_SOURCE_DIR/lib.sh"

export OS_CLIENT_CONFIG_FILE=$OSLAB_DIR/clouds.yaml
export OS_CLOUD=oslab-demo
[[ -s $OS_CLIENT_CONFIG_FILE ]] || oslab_die "no $OS_CLIENT_CONFIG_FILE: run up.sh first"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
T_START=$(now_ms)
SERVER_NAME=oslab-smoke-$$
elapsed() {
    local ms=$(($(now_ms) - $1))
    printf '%d.%02d' $((ms / 1000)) $((ms % 1000 / 10))
}
step() { printf '[smoke] %s\n' "$*"; }
fail() {
    printf '[smoke] FAIL: %s\n' "$*" >&2
    exit 1
}
cleanup() { openstack server delete --wait "$SERVER_NAME" >/dev/null 2>&1 || true; }

token=$(openstack token issue -f value -c id) || fail "token issue"
[[ ${#token} -gt 20 ]] || fail "token looks empty: '$token'"
step "token issue: ok (${#token} characters)"

flavors=$(openstack flavor list -f value -c Name | sort | tr '\n' ' ')
[[ $flavors == "m1.medium m1.small m1.tiny " ]] || fail "flavor list: got '$flavors'"
step "flavor list: $flavors"

image_status=$(openstack image show cirros-fake -f value -c status) || fail "image show cirros-fake"
[[ $image_status == active ]] || fail "image cirros-fake is '$image_status', not active"
step "image cirros-fake: $image_status"

trap cleanup EXIT
t_create=$(now_ms)
openstack server create --flavor m1.tiny --image cirros-fake --network lab-net \
    --property oslab-smoke=1 "$SERVER_NAME" -f value -c id >/dev/null || fail "server create"
deadline=$(($(date +%s) + 120))
status=""
while :; do
    status=$(openstack server show "$SERVER_NAME" -f value -c status)
    [[ $status == ACTIVE || $status == ERROR ]] && break
    (($(date +%s) < deadline)) || fail "server still '$status' after 120 s"
    sleep 0.5
done
if [[ $status == ERROR ]]; then
    fail "server went to ERROR: $(openstack server show "$SERVER_NAME" -f value -c fault)"
fi
step "server create -> ACTIVE in $(elapsed "$t_create") s (CLI polling)"

addresses=$(openstack server show "$SERVER_NAME" -f value -c addresses)
[[ $addresses =~ 192\.0\.2\.[0-9]+ ]] || fail "no lab-net address in '$addresses'"
port_status=$(openstack port list --server "$SERVER_NAME" -f value -c Status)
[[ $port_status == ACTIVE ]] || fail "server port status '$port_status', expected ACTIVE"
step "addresses: $addresses, port $port_status"

t_delete=$(now_ms)
openstack server delete --wait "$SERVER_NAME" || fail "server delete"
trap - EXIT
if openstack server show "$SERVER_NAME" >/dev/null 2>&1; then fail "server still exists after delete"; fi
step "server delete in $(elapsed "$t_delete") s"
step "all passed in $(elapsed "$T_START") s"
