#!/bin/bash
# Starts the project's OpenStack lab on 127.0.0.1 (Debian 12 packages, release Zed), as root,
# without systemd or docker: MariaDB, RabbitMQ, memcached, Keystone (uwsgi), Glance,
# Placement (uwsgi), Neutron (ML2, no agents), Nova api/conductor/scheduler/compute (fake
# driver). Returns 0 only when every API answers and nova-compute is registered.
# Idempotent: a second run starts only what is not running. Stop with down.sh.
#
# Environment: OSLAB_DIR (state, default /tmp/iot-portal-openstack-lab), OSLAB_PASSWORD
# (default "password"), OSLAB_SKIP_APT=1 (fail instead of installing missing packages).
# Writes $OSLAB_DIR/clouds.yaml (clouds oslab-admin, oslab-demo) and admin-openrc.sh,
# demo-openrc.sh. Fixed ports: 3306 4369 5000 5672 8774 8778 9292 9696 11211 25672.
# `up.sh --install-only` installs the missing packages and starts nothing.
set -euo pipefail
set +m

LAB_SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$LAB_SOURCE_DIR/lib.sh"

[[ $(id -u) == 0 ]] || oslab_die "run as root (apt-get, mariadbd --user=root)"

T_START=$(date +%s)
START_UTC=$(date -u '+%Y-%m-%d %H:%M:%S')
T_PHASE=$T_START
phase_done() {
    local now
    now=$(date +%s)
    oslab_log "timing: $1 $((now - T_PHASE)) s (total $((now - T_START)) s)"
    T_PHASE=$now
}

PACKAGES=(python3-keystone python3-glance python3-placement python3-nova python3-neutron
    python3-openstackclient python3-pymysql python3-memcache mariadb-server mariadb-client
    rabbitmq-server memcached uwsgi-core uwsgi-plugin-python3 curl iproute2)

install_packages() {
    local missing=() package
    for package in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$package")
    done
    if ((${#missing[@]} == 0)); then
        oslab_log "packages present"
        return
    fi
    [[ ${OSLAB_SKIP_APT:-0} != 1 ]] || oslab_die "missing packages (OSLAB_SKIP_APT=1): ${missing[*]}"
    # The postinst scripts of mariadb/rabbitmq/memcached must not start Debian's own daemons.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        mkdir -p "$OSLAB_DIR"
        touch "$OSLAB_DIR/.policy-rc.d-created-by-oslab"
    fi
    oslab_log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q </dev/null
    apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=1200 \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${missing[@]}" </dev/null
}

port_open() { (exec 3<>"/dev/tcp/$OSLAB_HOST/$1") 2>/dev/null; }

# start_service NAME "PORTS" CMD...: starts CMD in its own session, logging to log/NAME.log,
# unless the recorded process is still alive. Refuses ports that some other process holds.
start_service() {
    local name=$1 ports=$2 port pid start
    shift 2
    if oslab_is_running "$name"; then
        oslab_log "$name already running (pid $(oslab_pid "$name"))"
        return
    fi
    for port in $ports; do
        port_open "$port" && oslab_die "port $port is taken by a process this lab did not start ($name)"
    done
    setsid "$@" >>"$OSLAB_LOG/$name.log" 2>&1 </dev/null &
    pid=$!
    read -r _ start < <(oslab_proc_stat "$pid") || oslab_die "$name exited at once, see $OSLAB_LOG/$name.log"
    echo "$pid $start" >"$OSLAB_RUN/$name.pid"
    STARTED+=("$name")
    oslab_log "started $name (pid $pid)"
}
STARTED=()

# wait_until SECONDS WHAT CMD...: polls CMD every 0.5 s.
wait_until() {
    local timeout_s=$1 what=$2 deadline
    shift 2
    deadline=$(($(date +%s) + timeout_s))
    until "$@" >/dev/null 2>&1; do
        (($(date +%s) < deadline)) || oslab_die "timed out after ${timeout_s}s waiting for $what"
        sleep 0.5
    done
}

http_answers() { [[ $(curl -s -o /dev/null -m 5 -w '%{http_code}' "$1") =~ ^[2-4][0-9][0-9]$ ]]; }

sql() { mariadb --no-defaults -S "$OSLAB_RUN/mariadb.sock" -u root -N -B "$@"; }

# once NAME CMD...: runs CMD once per state directory (marker state/.done-NAME).
once() {
    local name=$1
    shift
    [[ -e $OSLAB_STATE/.done-$name ]] && return
    "$@" >>"$OSLAB_LOG/setup-$name.log" 2>&1 || oslab_die "setup step $name failed, see $OSLAB_LOG/setup-$name.log"
    touch "$OSLAB_STATE/.done-$name"
}

write_launchers() {
    local name module
    while read -r name module; do
        printf '#!%s\nimport sys\nfrom %s import main\nsys.exit(main())\n' "$OSLAB_PYTHON" "$module" >"$OSLAB_BIN/$name"
        chmod 755 "$OSLAB_BIN/$name"
    done <<EOF
keystone-manage keystone.cmd.manage
glance-api glance.cmd.api
glance-manage glance.cmd.manage
placement-manage placement.cmd.manage
neutron-server neutron.cmd.eventlet.server
neutron-db-manage neutron.db.migration.cli
nova-api nova.cmd.api
nova-conductor nova.cmd.conductor
nova-scheduler nova.cmd.scheduler
nova-compute nova.cmd.compute
nova-manage nova.cmd.manage
EOF
    printf 'from keystone.server.wsgi import initialize_public_application\napplication = initialize_public_application()\n' \
        >"$OSLAB_BIN/keystone-wsgi.py"
    printf 'from placement.wsgi import init_application\napplication = init_application()\n' \
        >"$OSLAB_BIN/placement-wsgi.py"
}

# keystone_authtoken / service-user sections shared by every service.
auth_section() {
    cat <<EOF
[$1]
auth_type = password
auth_url = http://$OSLAB_HOST:5000/v3
www_authenticate_uri = http://$OSLAB_HOST:5000/v3
memcached_servers = $OSLAB_HOST:11211
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $2
password = $OSLAB_PASSWORD
region_name = RegionOne
EOF
}

db_url() { echo "mysql+pymysql://oslab:$OSLAB_PASSWORD@$OSLAB_HOST:3306/$1?charset=utf8"; }
TRANSPORT_URL="rabbit://guest:guest@$OSLAB_HOST:5672/"

write_configs() {
    mkdir -p "$OSLAB_ETC"/{keystone,glance,placement,neutron,nova,rabbitmq}

    printf '[]\n.\n' >"$OSLAB_ETC/rabbitmq/enabled_plugins"
    : >"$OSLAB_ETC/rabbitmq/rabbitmq-env.conf"
    cat >"$OSLAB_ETC/rabbitmq/rabbitmq.conf" <<EOF
listeners.tcp.default = $OSLAB_HOST:5672
log.file.level = warning
EOF

    cat >"$OSLAB_ETC/keystone/keystone.conf" <<EOF
[DEFAULT]
log_file = $OSLAB_LOG/keystone-app.log
[database]
connection = $(db_url keystone)
[token]
provider = fernet
[fernet_tokens]
key_repository = $OSLAB_STATE/keystone/fernet-keys
[fernet_receipts]
key_repository = $OSLAB_STATE/keystone/fernet-keys
[credential]
key_repository = $OSLAB_STATE/keystone/credential-keys
[cache]
enabled = true
backend = oslo_cache.memcache_pool
memcache_servers = $OSLAB_HOST:11211
EOF

    cat >"$OSLAB_ETC/glance/glance-api.conf" <<EOF
[DEFAULT]
bind_host = $OSLAB_HOST
bind_port = 9292
workers = 1
log_file = $OSLAB_LOG/glance-api-app.log
graceful_shutdown_timeout = 5
enabled_backends = fs:file
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = $OSLAB_STATE/glance/images
[os_glance_staging_store]
filesystem_store_datadir = $OSLAB_STATE/glance/staging
[os_glance_tasks_store]
filesystem_store_datadir = $OSLAB_STATE/glance/tasks
[database]
connection = $(db_url glance)
[paste_deploy]
flavor = keystone
config_file = $OSLAB_ETC/glance/glance-api-paste.ini
[oslo_concurrency]
lock_path = $OSLAB_STATE/glance/lock
$(auth_section keystone_authtoken glance)
EOF
    cat >"$OSLAB_ETC/glance/glance-api-paste.ini" <<'EOF'
[pipeline:glance-api-keystone]
pipeline = http_proxy_to_wsgi versionnegotiation authtoken context rootapp

[composite:rootapp]
paste.composite_factory = glance.api:root_app_factory
/: apiversions
/v2: apiv2app

[app:apiversions]
paste.app_factory = glance.api.versions:create_resource

[app:apiv2app]
paste.app_factory = glance.api.v2.router:API.factory

[filter:versionnegotiation]
paste.filter_factory = glance.api.middleware.version_negotiation:VersionNegotiationFilter.factory

[filter:context]
paste.filter_factory = glance.api.middleware.context:ContextMiddleware.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
delay_auth_decision = true

[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware:HTTPProxyToWSGI.factory
EOF

    cat >"$OSLAB_ETC/placement/placement.conf" <<EOF
[DEFAULT]
log_file = $OSLAB_LOG/placement-app.log
[placement_database]
connection = $(db_url placement)
[api]
auth_strategy = keystone
$(auth_section keystone_authtoken placement)
EOF

    cat >"$OSLAB_ETC/neutron/neutron.conf" <<EOF
[DEFAULT]
bind_host = $OSLAB_HOST
bind_port = 9696
core_plugin = ml2
service_plugins = router,port_forwarding
auth_strategy = keystone
api_paste_config = $OSLAB_ETC/neutron/api-paste.ini
transport_url = $TRANSPORT_URL
notify_nova_on_port_status_changes = true
notify_nova_on_port_data_changes = true
dhcp_agent_notification = false
api_workers = 1
rpc_workers = 1
rpc_state_report_workers = 0
graceful_shutdown_timeout = 5
state_path = $OSLAB_STATE/neutron
log_file = $OSLAB_LOG/neutron-server-app.log
[database]
connection = $(db_url neutron)
[ml2]
type_drivers = local,flat
tenant_network_types = local
mechanism_drivers = oslab
extension_drivers = port_security
[ml2_type_flat]
flat_networks = public
[oslo_concurrency]
lock_path = $OSLAB_STATE/neutron/lock
$(auth_section keystone_authtoken neutron)
$(auth_section nova nova)
EOF
    cat >"$OSLAB_ETC/neutron/api-paste.ini" <<'EOF'
[composite:neutron]
use = egg:Paste#urlmap
/: neutronversions_composite
/v2.0: neutronapi_v2_0

[composite:neutronapi_v2_0]
use = call:neutron.auth:pipeline_factory
keystone = http_proxy_to_wsgi request_id catch_errors authtoken keystonecontext extensions neutronapiapp_v2_0

[composite:neutronversions_composite]
use = call:neutron.auth:pipeline_factory
keystone = http_proxy_to_wsgi neutronversions

[filter:request_id]
paste.filter_factory = oslo_middleware:RequestId.factory

[filter:catch_errors]
paste.filter_factory = oslo_middleware:CatchErrors.factory

[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory

[filter:keystonecontext]
paste.filter_factory = neutron.auth:NeutronKeystoneContext.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory

[filter:extensions]
paste.filter_factory = neutron.api.extensions:plugin_aware_extension_middleware_factory

[app:neutronversions]
paste.app_factory = neutron.pecan_wsgi.app:versions_factory

[app:neutronapiapp_v2_0]
paste.app_factory = neutron.api.v2.router:APIRouter.factory
EOF

    # Neutron's ML2 needs a mechanism driver that binds ports; without agents, this one
    # binds every port as an OVS port and marks it ACTIVE (nothing is plugged anywhere).
    mkdir -p "$OSLAB_PYLIB/oslab_mech-1.0.dist-info"
    cat >"$OSLAB_PYLIB/oslab_mech.py" <<'EOF'
from neutron_lib import constants
from neutron_lib.api.definitions import portbindings
from neutron_lib.plugins.ml2 import api


class OslabMechanismDriver(api.MechanismDriver):
    """Binds every port without an agent; the lab has no data plane."""

    def initialize(self):
        pass

    def bind_port(self, context):
        for segment in context.segments_to_bind:
            context.set_binding(segment[api.ID], portbindings.VIF_TYPE_OVS,
                                {portbindings.CAP_PORT_FILTER: False},
                                status=constants.PORT_STATUS_ACTIVE)
            return
EOF
    printf 'Metadata-Version: 2.1\nName: oslab-mech\nVersion: 1.0\n' >"$OSLAB_PYLIB/oslab_mech-1.0.dist-info/METADATA"
    printf '[neutron.ml2.mechanism_drivers]\noslab = oslab_mech:OslabMechanismDriver\n' \
        >"$OSLAB_PYLIB/oslab_mech-1.0.dist-info/entry_points.txt"

    local nova_common
    nova_common=$(
        cat <<EOF
[DEFAULT]
host = oslab-compute
my_ip = $OSLAB_HOST
transport_url = $TRANSPORT_URL
compute_driver = fake.FakeDriver
state_path = $OSLAB_STATE/nova
enabled_apis = osapi_compute
osapi_compute_listen = $OSLAB_HOST
osapi_compute_listen_port = 8774
osapi_compute_workers = 1
report_interval = 5
graceful_shutdown_timeout = 5
[wsgi]
api_paste_config = $OSLAB_ETC/nova/api-paste.ini
[api]
auth_strategy = keystone
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 30
[oslo_concurrency]
lock_path = $OSLAB_STATE/nova/lock
[oslo_messaging_notifications]
driver = noop
[vnc]
enabled = false
[spice]
enabled = false
$(auth_section keystone_authtoken nova)
$(auth_section placement nova)
$(auth_section neutron nova)
[glance]
region_name = RegionOne
EOF
    )
    printf '%s\n[database]\nconnection = %s\n[api_database]\nconnection = %s\n' \
        "$nova_common" "$(db_url nova)" "$(db_url nova_api)" >"$OSLAB_ETC/nova/nova.conf"
    # Compute nodes reach the database only through the conductor.
    printf '%s\n' "$nova_common" >"$OSLAB_ETC/nova/nova-compute.conf"
    cat >"$OSLAB_ETC/nova/api-paste.ini" <<'EOF'
[composite:osapi_compute]
use = call:nova.api.openstack.urlmap:urlmap_factory
/: oscomputeversions
/v2.1: oscomputeversion_v2
/v2.1/+: openstack_compute_api_v21

[composite:openstack_compute_api_v21]
use = call:nova.api.auth:pipeline_factory_v21
keystone = http_proxy_to_wsgi compute_req_id faultwrap request_log sizelimit authtoken keystonecontext osapi_compute_app_v21

[filter:request_log]
paste.filter_factory = nova.api.openstack.requestlog:RequestLog.factory

[filter:compute_req_id]
paste.filter_factory = nova.api.compute_req_id:ComputeReqIdMiddleware.factory

[filter:faultwrap]
paste.filter_factory = nova.api.openstack:FaultWrapper.factory

[filter:sizelimit]
paste.filter_factory = oslo_middleware:RequestBodySizeLimiter.factory

[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory

[filter:keystonecontext]
paste.filter_factory = nova.api.auth:NovaKeystoneContext.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory

[app:osapi_compute_app_v21]
paste.app_factory = nova.api.openstack.compute:APIRouterV21.factory

[pipeline:oscomputeversions]
pipeline = faultwrap request_log http_proxy_to_wsgi oscomputeversionapp

[pipeline:oscomputeversion_v2]
pipeline = compute_req_id faultwrap request_log http_proxy_to_wsgi oscomputeversionapp_v2

[app:oscomputeversionapp]
paste.app_factory = nova.api.openstack.compute.versions:Versions.factory

[app:oscomputeversionapp_v2]
paste.app_factory = nova.api.openstack.compute.versions:VersionsV2.factory
EOF
}

write_client_config() {
    local user
    {
        echo "clouds:"
        for user in admin demo; do
            cat <<EOF
  oslab-$user:
    auth:
      auth_url: http://$OSLAB_HOST:5000/v3
      username: $user
      password: $OSLAB_PASSWORD
      project_name: $user
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
EOF
        done
    } >"$OSLAB_DIR/clouds.yaml"
    for user in admin demo; do
        cat >"$OSLAB_DIR/$user-openrc.sh" <<EOF
export OS_AUTH_URL=http://$OSLAB_HOST:5000/v3
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME=$user
export OS_PASSWORD=$OSLAB_PASSWORD
export OS_PROJECT_NAME=$user
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=RegionOne
export OS_INTERFACE=public
EOF
    done
}

create_databases() {
    local db
    {
        for db in keystone glance placement neutron nova_api nova nova_cell0; do
            echo "CREATE DATABASE IF NOT EXISTS $db CHARACTER SET utf8;"
        done
        echo "CREATE USER IF NOT EXISTS 'oslab'@'127.0.0.1' IDENTIFIED BY '$OSLAB_PASSWORD';"
        echo "GRANT ALL PRIVILEGES ON *.* TO 'oslab'@'127.0.0.1';"
    } | sql
}

keystone_setup() {
    local manage=("$OSLAB_BIN/keystone-manage" --config-file "$OSLAB_ETC/keystone/keystone.conf")
    mkdir -p "$OSLAB_STATE/keystone"
    "${manage[@]}" db_sync
    "${manage[@]}" fernet_setup --keystone-user root --keystone-group root
    "${manage[@]}" credential_setup --keystone-user root --keystone-group root
    "${manage[@]}" bootstrap --bootstrap-password "$OSLAB_PASSWORD" \
        --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin \
        --bootstrap-service-name keystone --bootstrap-region-id RegionOne \
        --bootstrap-admin-url "http://$OSLAB_HOST:5000/v3" \
        --bootstrap-internal-url "http://$OSLAB_HOST:5000/v3" \
        --bootstrap-public-url "http://$OSLAB_HOST:5000/v3"
}

nova_setup() {
    local manage=("$OSLAB_BIN/nova-manage" --config-file "$OSLAB_ETC/nova/nova.conf")
    "${manage[@]}" api_db sync
    "${manage[@]}" cell_v2 map_cell0 --database_connection "$(db_url nova_cell0)"
    "${manage[@]}" cell_v2 create_cell --name cell1 --verbose
    "${manage[@]}" db sync
}

# Every nova service must have reported since it was (re)started: after a quick down/up the
# old heartbeats still look fresh, and RPC sent before the new processes consume it is lost.
# Services that were already running need only a recent heartbeat (report_interval is 5 s).
nova_heartbeats_fresh() {
    local since="'$START_UTC'" fresh
    [[ " ${STARTED[*]} " == *" nova-"* ]] || since="UTC_TIMESTAMP() - INTERVAL 30 SECOND"
    fresh=$(sql -e "SELECT COUNT(DISTINCT \`binary\`) FROM nova.services WHERE deleted = 0
        AND \`binary\` IN ('nova-conductor','nova-scheduler','nova-compute')
        AND COALESCE(updated_at, created_at) >= $since")
    [[ $fresh == 3 ]]
}

compute_registered() {
    [[ $(sql -e "SELECT COUNT(*) FROM nova_api.host_mappings WHERE host = 'oslab-compute'") == 1 ]] &&
        [[ $(sql -e "SELECT COUNT(*) FROM placement.resource_providers WHERE name = 'oslab-compute'") == 1 ]]
}

report_memory() {
    local name pid total_kb=0 pss_kb pids
    {
        printf '%-16s %8s\n' service "PSS MiB"
        for name in "${OSLAB_SERVICES[@]}"; do
            oslab_is_running "$name" || continue
            pid=$(oslab_pid "$name")
            # The service's session: the process started plus every worker it forked.
            pids=$(ps -e -o pid=,sid= | awk -v sid="$pid" '$2 == sid { print $1 }')
            pss_kb=0
            for pid in $pids; do
                pss_kb=$((pss_kb + $(awk '/^Pss:/ { s += $2 } END { print s + 0 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)))
            done
            total_kb=$((total_kb + pss_kb))
            printf '%-16s %8d\n' "$name" $((pss_kb / 1024))
        done
        printf '%-16s %8d\n' total $((total_kb / 1024))
    } | tee "$OSLAB_DIR/memory.txt"
}

main() {
    install_packages
    phase_done "packages"
    # scripts/install-deps installs the lab's packages with the project's other dependencies.
    [[ ${1:-} == --install-only ]] && return 0

    mkdir -p "$OSLAB_BIN" "$OSLAB_LOG" "$OSLAB_RUN" "$OSLAB_STATE"/{mysql,rabbitmq,glance,neutron/lock,nova/lock} "$OSLAB_LOG/rabbitmq"
    write_launchers
    write_configs
    write_client_config

    start_service epmd "4369" epmd -address "$OSLAB_HOST" -port 4369
    if [[ ! -e $OSLAB_STATE/.done-mysql-datadir ]]; then
        mariadb-install-db --no-defaults --datadir="$OSLAB_STATE/mysql" --user=root \
            --auth-root-authentication-method=socket --skip-test-db >"$OSLAB_LOG/setup-mysql-datadir.log" 2>&1 ||
            oslab_die "mariadb-install-db failed, see $OSLAB_LOG/setup-mysql-datadir.log"
        touch "$OSLAB_STATE/.done-mysql-datadir"
    fi
    start_service mariadb "3306" mariadbd --no-defaults --user=root --datadir="$OSLAB_STATE/mysql" \
        --socket="$OSLAB_RUN/mariadb.sock" --port=3306 --bind-address="$OSLAB_HOST" \
        --pid-file="$OSLAB_RUN/mariadbd.pid" --log-error="$OSLAB_LOG/mariadb-error.log" \
        --skip-name-resolve --skip-log-bin --max-connections=1000 --innodb-buffer-pool-size=64M \
        --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --character-set-server=utf8mb4
    start_service memcached "11211" memcached -u root -l "$OSLAB_HOST" -p 11211 -U 0 -m 64
    wait_until 20 epmd port_open 4369
    start_service rabbitmq "5672 25672" env HOME="$OSLAB_STATE/rabbitmq" \
        RABBITMQ_NODENAME=oslab@localhost RABBITMQ_NODE_IP_ADDRESS="$OSLAB_HOST" RABBITMQ_NODE_PORT=5672 \
        RABBITMQ_DIST_PORT=25672 ERL_EPMD_ADDRESS="$OSLAB_HOST" ERL_EPMD_PORT=4369 \
        RABBITMQ_CONF_ENV_FILE="$OSLAB_ETC/rabbitmq/rabbitmq-env.conf" \
        RABBITMQ_CONFIG_FILE="$OSLAB_ETC/rabbitmq/rabbitmq.conf" \
        RABBITMQ_ADVANCED_CONFIG_FILE="$OSLAB_ETC/rabbitmq/advanced.config" \
        RABBITMQ_ENABLED_PLUGINS_FILE="$OSLAB_ETC/rabbitmq/enabled_plugins" \
        RABBITMQ_MNESIA_BASE="$OSLAB_STATE/rabbitmq/mnesia" RABBITMQ_LOG_BASE="$OSLAB_LOG/rabbitmq" \
        RABBITMQ_PID_FILE="$OSLAB_RUN/rabbitmq-beam.pid" \
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
        /usr/lib/rabbitmq/bin/rabbitmq-server
    wait_until 60 "MariaDB" sql -e "SELECT 1"
    once databases create_databases
    phase_done "infrastructure started"

    # Schema migrations are independent of each other: run them side by side.
    local pids=() pid
    once keystone keystone_setup &
    pids+=($!)
    once glance "$OSLAB_BIN/glance-manage" --config-file "$OSLAB_ETC/glance/glance-api.conf" db_sync &
    pids+=($!)
    once placement "$OSLAB_BIN/placement-manage" --config-file "$OSLAB_ETC/placement/placement.conf" db sync &
    pids+=($!)
    once neutron "$OSLAB_BIN/neutron-db-manage" --config-file "$OSLAB_ETC/neutron/neutron.conf" upgrade head &
    pids+=($!)
    # nova's cell setup talks to RabbitMQ only through the URL it stores; no broker needed yet.
    once nova nova_setup &
    pids+=($!)
    for pid in "${pids[@]}"; do wait "$pid" || oslab_die "a database setup step failed (see $OSLAB_LOG/setup-*.log)"; done
    phase_done "database schemas"

    start_service keystone "5000" uwsgi --plugin python3 --http-socket "$OSLAB_HOST:5000" \
        --wsgi-file "$OSLAB_BIN/keystone-wsgi.py" --master --processes 2 --threads 2 --lazy-apps \
        --need-app --no-orphans --die-on-term --skip-atexit-teardown --buffer-size 65535 \
        --add-header "Connection: close" --env "OS_KEYSTONE_CONFIG_FILES=$OSLAB_ETC/keystone/keystone.conf"
    start_service placement "8778" uwsgi --plugin python3 --http-socket "$OSLAB_HOST:8778" \
        --wsgi-file "$OSLAB_BIN/placement-wsgi.py" --master --processes 2 --threads 2 --lazy-apps \
        --need-app --no-orphans --die-on-term --skip-atexit-teardown --buffer-size 65535 \
        --add-header "Connection: close" --env "OS_PLACEMENT_CONFIG_DIR=$OSLAB_ETC/placement"
    start_service glance-api "9292" "$OSLAB_BIN/glance-api" --config-file "$OSLAB_ETC/glance/glance-api.conf"
    wait_until 60 "RabbitMQ" port_open 5672
    start_service neutron-server "9696" env PYTHONPATH="$OSLAB_PYLIB" \
        "$OSLAB_BIN/neutron-server" --config-file "$OSLAB_ETC/neutron/neutron.conf"
    start_service nova-api "8774" "$OSLAB_BIN/nova-api" --config-file "$OSLAB_ETC/nova/nova.conf"

    wait_until 120 "Keystone" http_answers "http://$OSLAB_HOST:5000/v3"
    once identity-seed "$OSLAB_PYTHON" "$LAB_SOURCE_DIR/seed.py" identity
    phase_done "keystone + identity"

    # conductor, scheduler and compute authenticate as the nova user at start (compute also
    # registers its resource provider): Placement and the service users must exist by then.
    wait_until 120 "Placement" http_answers "http://$OSLAB_HOST:8778/"
    start_service nova-conductor "" "$OSLAB_BIN/nova-conductor" --config-file "$OSLAB_ETC/nova/nova.conf"
    start_service nova-scheduler "" "$OSLAB_BIN/nova-scheduler" --config-file "$OSLAB_ETC/nova/nova.conf"
    start_service nova-compute "" "$OSLAB_BIN/nova-compute" --config-file "$OSLAB_ETC/nova/nova-compute.conf"

    wait_until 120 "Glance" http_answers "http://$OSLAB_HOST:9292/"
    wait_until 120 "Neutron" http_answers "http://$OSLAB_HOST:9696/"
    wait_until 120 "Nova API" http_answers "http://$OSLAB_HOST:8774/"
    phase_done "APIs answer"

    wait_until 180 "heartbeats of nova-conductor, nova-scheduler and nova-compute" nova_heartbeats_fresh
    if ! compute_registered; then
        "$OSLAB_BIN/nova-manage" --config-file "$OSLAB_ETC/nova/nova.conf" cell_v2 discover_hosts >>"$OSLAB_LOG/setup-discover-hosts.log" 2>&1 ||
            oslab_die "discover_hosts failed, see $OSLAB_LOG/setup-discover-hosts.log"
    fi
    wait_until 120 "oslab-compute in Nova's host mappings and in Placement" compute_registered
    phase_done "nova-compute registered"

    once resources "$OSLAB_PYTHON" "$LAB_SOURCE_DIR/seed.py" resources
    phase_done "flavors, image, networks"

    report_memory
    oslab_log "ready in $(($(date +%s) - T_START)) s; started: ${STARTED[*]:-nothing (all were running)}"
    oslab_log "export OS_CLIENT_CONFIG_FILE=$OSLAB_DIR/clouds.yaml OS_CLOUD=oslab-admin"
}

main "$@"
