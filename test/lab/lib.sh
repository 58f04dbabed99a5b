# shellcheck shell=bash
# dxgw DHCP lab: network namespaces with a DHCP server, an ISC dhcrelay (option 82) and
# client namespaces on a bridged access segment. Sourced by make-fixtures.sh and by
# end-to-end tests that run dxgw live in the same topology.
#
#   ${P}-srv  srv0 198.51.100.1/24 ── veth ── up0 198.51.100.2/24  ${P}-rly (ip_forward=1)
#             route 192.0.2.0/24 via .2                br0 192.0.2.1/24: clients' gateway
#                                                       ├─ relay0p ── relay0 192.0.2.1/32: dhcrelay
#                                                       ├─ p<name> ── veth ── lan0  ${P}-<name>
#                                                       └─ p<name> ── tap ┄ vlan-trunk.py ┄ tap ── lan0
#                                                          t<name>: tagged copy (802.1Q / QinQ)
#
# Why a separate relay0 for dhcrelay instead of br0: ISC dhcrelay's packet socket takes
# every UDP/67 frame the interface receives, so on the gateway interface it also relays the
# clients' unicast renewals that the kernel already routes to the server (the server then
# answers twice). relay0 shares the gateway address (so giaddr = 192.0.2.1, circuit-id
# "relay0") but only gets the segment's broadcasts. LAB_RELAY_ON_BRIDGE=1 puts dhcrelay on
# br0 to reproduce that double relaying.
#
# Clients always run DHCP on "lan0" in their namespace, tagged link or not.
# Capture points for both sides of the relay: br0 (client side; tcpdump makes it
# promiscuous, so it sees all bridged frames) and up0 (server side), both in ${P}-rly;
# t<name> shows a VLAN client's frames with their tags.
#
# Typical use (root; see make-fixtures.sh for more):
#   source test/lab/lib.sh; lab_trap          # lab_down on exit
#   lab_up; lab_start_server kea lease=60; lab_start_relay
#   lab_client_ns c1 --mac 02:00:00:00:00:01
#   lab_bg dxgw rly <dxgw command line>       # in the relay ns it can capture br0 + up0
#   lab_udhcpc c1; ip=$(lab_wait_lease c1); lab_ping c1
#   lab_signal c1.dhcp USR1; lab_wait_event c1 '^renew '
#
# Everything the lab writes (configs, leases, pid files, logs, events) lives in $LAB_DIR.
# Nothing outside it is touched: daemons get explicit lease/pid/config paths and the
# client scripts never edit resolv.conf.

LAB_PREFIX=${LAB_PREFIX:-dxl}
if [[ ! $LAB_PREFIX =~ ^[A-Za-z0-9_]{1,10}$ ]]; then
    # A '-' in the prefix would let "dxl" cleanup match another lab's "dxl-x-..." names.
    echo "lib.sh: LAB_PREFIX must match [A-Za-z0-9_]{1,10}" >&2
    return 1 2>/dev/null || exit 1
fi
LAB_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Stable per-prefix path (not mktemp) so a later run can find a crashed run's pid files.
LAB_DIR=${LAB_DIR:-${TMPDIR:-/tmp}/dxlab-$LAB_PREFIX}

LAB_SERVER_IP=198.51.100.1
LAB_RELAY_UP_IP=198.51.100.2
LAB_GIADDR=192.0.2.1
LAB_SERVER_MAC=02:64:00:00:00:01
LAB_RELAY_UP_MAC=02:64:00:00:00:02
LAB_RELAY_DOWN_MAC=02:c0:00:00:00:01
LAB_RELAY_LISTEN_MAC=02:c0:00:00:00:02

lab_log() { echo "[lab $(date +%T)] $*" >&2; }
lab_die() { lab_log "ERROR: $*"; return 1; }

# lab_ns KEY -> full namespace name (KEY: srv, rly or a client name).
lab_ns() { echo "${LAB_PREFIX}-$1"; }

# lab_exec KEY CMD... -> run CMD inside the namespace.
lab_exec() { local k=$1; shift; ip netns exec "$(lab_ns "$k")" "$@"; }

# Namespaces of this lab (any prefix-owned leftovers included).
lab_ns_list() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${LAB_PREFIX}-" || true; }

# True if PID lives in one of this lab's namespaces: we only ever signal our own processes.
_lab_pid_ours() {
    local ns
    ns=$(ip netns identify "$1" 2>/dev/null) || return 1
    [[ " $ns " =~ \ ${LAB_PREFIX}- ]]
}

_lab_new_ns() {
    local ns; ns=$(lab_ns "$1")
    ip netns add "$ns" || return 1
    # No IPv6: keeps router solicitations/MLD reports out of the fixtures.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
        net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 >/dev/null 2>&1
    ip netns exec "$ns" ip link set lo up
}

# _lab_txcsum_off KEY DEV... : turn off TX checksum offload (ethtool -K DEV tx off; there is
# no ethtool here, so SIOCETHTOOL/ETHTOOL_STXCSUM via perl). With offload on, a veth hands
# kernel-sent UDP over with only a partial checksum and every capture shows it as bad.
# LAB_CSUM_OFFLOAD=1 keeps the offload (captures then look like ones taken on a sending host).
_lab_txcsum_off() {
    [[ ${LAB_CSUM_OFFLOAD:-0} == 1 ]] && return 0
    local k=$1; shift
    lab_exec "$k" perl -e '
        use Socket; socket(my $s, AF_INET, SOCK_DGRAM, 0) or die "socket: $!";
        for my $dev (@ARGV) {
            my $ev = pack("LL", 0x17, 0);  # struct ethtool_value { ETHTOOL_STXCSUM, 0 }
            my $ifr = pack("Z16 J x8", $dev, unpack("J", pack("p", $ev)));
            ioctl($s, 0x8946, $ifr) or warn "SIOCETHTOOL $dev: $!\n";  # SIOCETHTOOL
        }' "$@"
}

# lab_bg ID KEY CMD... : start CMD in namespace KEY in the background.
# Output goes to $LAB_DIR/ID.log, pid to $LAB_DIR/run/ID.pid (ip netns exec execs, so $! is CMD).
lab_bg() {
    local id=$1 k=$2; shift 2
    ip netns exec "$(lab_ns "$k")" "$@" </dev/null >"$LAB_DIR/$id.log" 2>&1 &
    echo $! >"$LAB_DIR/run/$id.pid"
    disown $! # no "Killed" job notices; lab_kill polls the pid instead of wait(1)
}

lab_pid() { cat "$LAB_DIR/run/$1.pid" 2>/dev/null; }

# lab_alive ID -> true while the background process is running.
lab_alive() { local p; p=$(lab_pid "$1") && [[ -n $p ]] && kill -0 "$p" 2>/dev/null; }

# lab_signal ID SIG : send a signal (e.g. USR1 renew to udhcpc) without waiting.
lab_signal() { local p; p=$(lab_pid "$1") && _lab_pid_ours "$p" && kill -s "$2" "$p"; }

# lab_kill ID [SIG=TERM] [TIMEOUT_S=3] : signal, wait for exit, escalate to KILL.
lab_kill() {
    local -; set +e # best effort, also under a caller's set -e
    local id=$1 sig=${2:-TERM} t=${3:-3} p i
    p=$(lab_pid "$id") || return 0
    if [[ -n $p ]] && kill -0 "$p" 2>/dev/null && _lab_pid_ours "$p"; then
        kill -s "$sig" "$p" 2>/dev/null
        for ((i = 0; i < t * 10; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$p" 2>/dev/null && kill -s KILL "$p" 2>/dev/null
        for ((i = 0; i < 20; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$LAB_DIR/run/$id.pid"
    return 0
}

# lab_wait_for TIMEOUT_S CMD... : poll CMD every 0.1 s until it succeeds.
lab_wait_for() {
    local t=$1 i; shift
    for ((i = 0; i < t * 10; i++)); do "$@" && return 0; sleep 0.1; done
    return 1
}

_lab_udp67() { lab_exec "$1" ss -Hlun 'sport = :67' 2>/dev/null | grep -q .; }

# lab_down : kill every lab process (pid files, then anything left in the namespaces),
# delete the namespaces and $LAB_DIR. Idempotent; also cleans a crashed run's leftovers.
lab_down() {
    local -; set +e # best effort, also under a caller's set -e
    local f p ns
    for f in "$LAB_DIR"/run/*.pid; do
        [[ -e $f ]] || continue
        p=$(cat "$f" 2>/dev/null)
        [[ -n $p ]] && _lab_pid_ours "$p" && kill -s TERM "$p" 2>/dev/null
    done
    sleep 0.2
    for ns in $(lab_ns_list); do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -s KILL "$p" 2>/dev/null; done
    done
    for ns in $(lab_ns_list); do
        for p in $(ip netns pids "$ns" 2>/dev/null); do
            lab_wait_for 2 bash -c "! kill -0 $p 2>/dev/null"
        done
        ip netns del "$ns" 2>/dev/null
    done
    [[ ${LAB_KEEP:-0} == 1 ]] || rm -rf "$LAB_DIR"
    return 0
}

# lab_trap : clean up on exit or interruption of the calling script.
lab_trap() {
    trap 'lab_down' EXIT
    trap 'exit 130' INT TERM
}

# lab_up : fresh server + relay namespaces (server side, bridge br0 for clients).
lab_up() {
    lab_down
    rm -rf "$LAB_DIR" # even with LAB_KEEP: stale events/leases would fool the waits
    mkdir -p "$LAB_DIR/run" && chmod 700 "$LAB_DIR" || return 1
    local S R
    S=$(lab_ns srv) R=$(lab_ns rly)
    _lab_new_ns srv && _lab_new_ns rly || return 1
    ip link add srv0 netns "$S" address $LAB_SERVER_MAC type veth \
        peer name up0 netns "$R" address $LAB_RELAY_UP_MAC || return 1
    ip -n "$S" addr add $LAB_SERVER_IP/24 dev srv0
    ip -n "$S" link set srv0 up
    # The server must answer relayed requests: giaddr's subnet is behind the relay.
    ip -n "$S" route add 192.0.2.0/24 via $LAB_RELAY_UP_IP
    ip -n "$R" addr add $LAB_RELAY_UP_IP/24 dev up0
    ip -n "$R" link set up0 up
    # STP off and no forward delay: ports forward at once, no BPDUs in the captures.
    # No multicast snooping: its IGMP router discovery would add noise to the captures.
    ip -n "$R" link add br0 address $LAB_RELAY_DOWN_MAC type bridge stp_state 0 forward_delay 0 \
        mcast_snooping 0
    ip -n "$R" addr add $LAB_GIADDR/24 dev br0
    ip -n "$R" link set br0 up
    ip -n "$R" link add relay0 address $LAB_RELAY_LISTEN_MAC type veth peer name relay0p
    ip -n "$R" link set relay0p master br0
    # Same address as br0 for giaddr, but never answer ARP: br0 alone is the gateway.
    ip netns exec "$R" sysctl -qw net.ipv4.conf.relay0.arp_ignore=8 >/dev/null
    ip -n "$R" addr add $LAB_GIADDR/32 dev relay0
    _lab_txcsum_off srv srv0
    _lab_txcsum_off rly up0 relay0 relay0p br0
    ip -n "$R" link set relay0p up
    ip -n "$R" link set relay0 up
    ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1 >/dev/null
    lab_log "up: $S, $R (LAB_DIR=$LAB_DIR)"
}

# lab_client_ns NAME [--mac MAC] [--vlan VID] [--qinq SVID:CVID] [--addr CIDR] [--gw IP]
# Client namespace ${P}-NAME whose DHCP interface is "lan0" (NAME: <= 10 chars); its
# relay-side port p<NAME> is put on br0. --addr gives lan0 a static address (e.g. an
# address squatter for the decline scenario).
# --vlan/--qinq: this kernel has no 802.1Q (no "type vlan" links), so vlan-trunk.py
# (background id NAME.trunk) connects lan0 and p<NAME> as taps and copies every frame,
# tagged (802.1Q VID, or 802.1ad SVID + 802.1Q CVID), to tap t<NAME> in ${P}-rly: capture
# there to see the tags.
lab_client_ns() {
    local name=$1 mac="" vid="" qinq="" addr="" gw=""; shift
    while (($#)); do
        case $1 in
            --mac) mac=$2; shift 2 ;;
            --vlan) vid=$2; shift 2 ;;
            --qinq) qinq=$2; shift 2 ;;
            --addr) addr=$2; shift 2 ;;
            --gw) gw=$2; shift 2 ;;
            *) lab_die "lab_client_ns: unknown option $1"; return 1 ;;
        esac
    done
    [[ $name =~ ^[A-Za-z0-9_]{1,10}$ && $name != srv && $name != rly ]] || {
        lab_die "lab_client_ns: bad name '$name'"; return 1; }
    local C R port="p$name" isolate=0
    C=$(lab_ns "$name") R=$(lab_ns rly)
    _lab_new_ns "$name" || return 1
    if [[ -n $vid || -n $qinq ]]; then
        lab_bg "$name.trunk" "$name" python3 "$LAB_HOME/vlan-trunk.py" "$C" "$R" "$name" "${qinq:-$vid}"
        lab_wait_for 5 grep -qs '^ready' "$LAB_DIR/$name.trunk.log" ||
            { cat "$LAB_DIR/$name.trunk.log" >&2; lab_die "vlan-trunk $name did not start"; return 1; }
        [[ -n $mac ]] && ip -n "$C" link set lan0 address "$mac"
        ip -n "$R" link set "t$name" up
        # Each VLAN is its own broadcast domain: keep other clients' floods off this trunk.
        isolate=1
    else
        ip link add lan0 netns "$C" ${mac:+address $mac} type veth peer name "$port" netns "$R" || return 1
        _lab_txcsum_off "$name" lan0
        _lab_txcsum_off rly "$port"
    fi
    ip -n "$R" link set "$port" master br0 || return 1
    ((isolate)) && ip -n "$R" link set "$port" type bridge_slave isolated on
    ip -n "$R" link set "$port" up
    ip -n "$C" link set lan0 up
    if [[ -n $addr ]]; then
        ip -n "$C" addr add "$addr" dev lan0
        [[ -n $gw ]] && ip -n "$C" route add default via "$gw"
    fi
    return 0
}

# lab_client_del NAME : the host vanishes (processes killed -9, namespace and port gone).
lab_client_del() {
    local -; set +e # best effort, also under a caller's set -e
    local ns p f
    ns=$(lab_ns "$1")
    lab_kill "$1.trunk" KILL 1 # a VLAN client's vlan-trunk.py lives in the relay namespace
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -s KILL "$p" 2>/dev/null; done
    rm -f "$LAB_DIR"/run/"$1".*.pid
    ip netns del "$ns" 2>/dev/null
    return 0
}

# lab_client_ip NAME -> the IPv4 address currently on lan0 (empty if none).
lab_client_ip() { lab_exec "$1" ip -4 -o addr show dev lan0 2>/dev/null | awk '{split($4,a,"/"); print a[1]; exit}'; }

# lab_start_server dnsmasq|dhcpd|kea [pool=FIRST-LAST] [lease=S] [renew=S] [rebind=S]
#                  [reserve=MAC,IP]... [authoritative=yes|no]
# Serves 192.0.2.0/24 (router 192.0.2.1) to relayed clients; waits until port 67 is open.
# dnsmasq raises leases below 120 s to 120 s. Background id: "server".
lab_start_server() {
    local type=$1 pool="192.0.2.10-192.0.2.99" lease=120 renew="" rebind="" auth=yes kv
    local -a reserve=()
    shift
    for kv in "$@"; do
        case $kv in
            pool=*) pool=${kv#pool=} ;;
            lease=*) lease=${kv#lease=} ;;
            renew=*) renew=${kv#renew=} ;;
            rebind=*) rebind=${kv#rebind=} ;;
            reserve=*) reserve+=("${kv#reserve=}") ;;
            authoritative=*) auth=${kv#authoritative=} ;;
            *) lab_die "lab_start_server: unknown setting $kv"; return 1 ;;
        esac
    done
    local first=${pool%-*} last=${pool#*-} d=$LAB_DIR r
    case $type in
        dnsmasq)
            local -a a=(--keep-in-foreground --conf-file=/dev/null --port=0 --no-resolv --no-hosts
                --user=root --group=root --pid-file="$d/dnsmasq.pid" --dhcp-leasefile="$d/dnsmasq.leases"
                --interface=srv0 --bind-interfaces --log-dhcp --log-facility=-
                --no-ping # its pre-offer ICMP probe would only add noise to the fixtures
                --dhcp-range="$first,$last,255.255.255.0,${lease}s"
                --dhcp-option=option:router,$LAB_GIADDR)
            [[ -n $renew ]] && a+=(--dhcp-option=option:T1,"$renew")
            [[ -n $rebind ]] && a+=(--dhcp-option=option:T2,"$rebind")
            [[ $auth == yes ]] && a+=(--dhcp-authoritative)
            for r in "${reserve[@]}"; do a+=(--dhcp-host="$r"); done
            lab_bg server srv dnsmasq "${a[@]}"
            ;;
        dhcpd)
            {
                [[ $auth == yes ]] && echo "authoritative;"
                echo "ddns-update-style none;"
                # Lab hosts squat addresses on purpose (decline); let the client detect it.
                echo "ping-check false;"
                echo "default-lease-time $lease; max-lease-time $lease; min-lease-time 1;"
                [[ -n $renew ]] && echo "option dhcp-renewal-time $renew;"
                [[ -n $rebind ]] && echo "option dhcp-rebinding-time $rebind;"
                echo "subnet 198.51.100.0 netmask 255.255.255.0 { }"
                echo "subnet 192.0.2.0 netmask 255.255.255.0 {"
                echo "  range $first $last; option routers $LAB_GIADDR; option subnet-mask 255.255.255.0;"
                echo "}"
                local n=0
                for r in "${reserve[@]}"; do
                    echo "host r$((n++)) { hardware ethernet ${r%,*}; fixed-address ${r#*,}; }"
                done
            } >"$d/dhcpd.conf"
            : >"$d/dhcpd.leases"
            lab_bg server srv dhcpd -4 -f -d -cf "$d/dhcpd.conf" -lf "$d/dhcpd.leases" -pf "$d/dhcpd.pid" srv0
            ;;
        kea)
            local res="" sep="" timers=""
            [[ -n $renew ]] && timers+="\"renew-timer\": $renew, "
            [[ -n $rebind ]] && timers+="\"rebind-timer\": $rebind, "
            for r in "${reserve[@]}"; do
                res+="$sep{\"hw-address\": \"${r%,*}\", \"ip-address\": \"${r#*,}\"}"; sep=", "
            done
            cat >"$d/kea-dhcp4.json" <<EOF
{ "Dhcp4": {
  "interfaces-config": { "interfaces": ["srv0"], "dhcp-socket-type": "udp" },
  "lease-database": { "type": "memfile", "persist": true, "name": "$d/kea-leases4.csv", "lfc-interval": 0 },
  "authoritative": $([[ $auth == yes ]] && echo true || echo false),
  "valid-lifetime": $lease, $timers
  "expired-leases-processing": { "reclaim-timer-wait-time": 1, "hold-reclaimed-time": 0 },
  "decline-probation-period": 3600,
  "subnet4": [ {
    "id": 1, "subnet": "192.0.2.0/24",
    "pools": [ { "pool": "$first - $last" } ],
    "option-data": [ { "name": "routers", "data": "$LAB_GIADDR" } ],
    "reservations": [ $res ]
  } ],
  "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "stdout" } ], "severity": "INFO" } ]
} }
EOF
            # Kea's pid/lock files default to /run/kea; keep them in the lab dir too.
            lab_bg server srv env KEA_PIDFILE_DIR="$d" KEA_LOCKFILE_DIR="$d" kea-dhcp4 -c "$d/kea-dhcp4.json"
            ;;
        *) lab_die "lab_start_server: unknown server '$type'"; return 1 ;;
    esac
    lab_wait_for 10 _lab_udp67 srv || { cat "$d/server.log" >&2; lab_die "$type did not start"; return 1; }
    sleep 0.3 # dhcpd/kea open the socket slightly before they are done configuring
    lab_alive server || { cat "$d/server.log" >&2; lab_die "$type exited"; return 1; }
    lab_log "server $type up (pool $pool, lease ${lease}s)"
}

lab_stop_server() { lab_kill server; }

# lab_start_relay [DHCRELAY_OPTS...] : ISC dhcrelay, relay0 (downstream; br0 with
# LAB_RELAY_ON_BRIDGE=1) -> up0 -> server.
# Default option "-a": add option 82, circuit-id = receiving interface name ("relay0").
# Any options given replace that default (e.g. "-m forward" for a pass-through relay that
# leaves a client/L2-agent option 82 alone). Background id: "relay".
lab_start_relay() {
    local -a o=("$@")
    ((${#o[@]})) || o=(-a)
    lab_bg relay rly dhcrelay -4 -d "${o[@]}" -pf "$LAB_DIR/dhcrelay.pid" \
        -id "$([[ ${LAB_RELAY_ON_BRIDGE:-0} == 1 ]] && echo br0 || echo relay0)" -iu up0 $LAB_SERVER_IP
    lab_wait_for 10 _lab_udp67 rly || { cat "$LAB_DIR/relay.log" >&2; lab_die "dhcrelay did not start"; return 1; }
    sleep 0.2
    lab_alive relay || { cat "$LAB_DIR/relay.log" >&2; lab_die "dhcrelay exited"; return 1; }
}

lab_stop_relay() { lab_kill relay; }

# lab_dhclient NAME [--cid STRING] [--conf LINE]... [-- DHCLIENT_ARGS...]
# ISC dhclient on lan0 in foreground (background id NAME.dhcp), with our script, lease,
# pid and config files in $LAB_DIR. --cid sends option 61 as a string; without it dhclient
# sends no option 61. The config is kept, so a later lab_dhclient NAME reuses the lease
# file (INIT-REBOOT).
lab_dhclient() {
    local name=$1 cid="" extra=(); shift
    local -a conf=()
    while (($#)); do
        case $1 in
            --cid) cid=$2; shift 2 ;;
            --conf) conf+=("$2"); shift 2 ;;
            --) shift; extra=("$@"); break ;;
            *) lab_die "lab_dhclient: unknown option $1"; return 1 ;;
        esac
    done
    local d=$LAB_DIR
    {
        echo "timeout 30; retry 1; initial-interval 1; backoff-cutoff 2; reboot 3; select-timeout 0;"
        echo "request subnet-mask, broadcast-address, routers, dhcp-lease-time, dhcp-renewal-time, dhcp-rebinding-time;"
        [[ -n $cid ]] && echo "send dhcp-client-identifier \"$cid\";"
        local l; for l in "${conf[@]}"; do echo "$l"; done
    } >"$d/$name.dhclient.conf"
    lab_bg "$name.dhcp" "$name" dhclient -4 -d -v -cf "$d/$name.dhclient.conf" -lf "$d/$name.leases" \
        -pf "$d/$name.dhclient.pid" -sf "$LAB_HOME/dhclient-script.sh" -e LAB_EVENTS="$d/$name.events" \
        "${extra[@]}" lan0
}

# lab_dhclient_release NAME : "dhclient -r": stops the running dhclient and sends DHCPRELEASE.
lab_dhclient_release() {
    local name=$1 d=$LAB_DIR
    lab_exec "$name" timeout 10 dhclient -4 -r -v -cf "$d/$name.dhclient.conf" -lf "$d/$name.leases" \
        -pf "$d/$name.dhclient.pid" -sf "$LAB_HOME/dhclient-script.sh" -e LAB_EVENTS="$d/$name.events" \
        lan0 >>"$d/$name.dhcp.log" 2>&1
    lab_kill "$name.dhcp"
}

# lab_udhcpc NAME [UDHCPC_ARGS...] : busybox udhcpc on lan0 in foreground (id NAME.dhcp).
# Sends option 61 = 01+MAC unless -C or -x 0x3d:... is given. Signals: USR1 renew, USR2 release.
lab_udhcpc() {
    local name=$1; shift
    lab_bg "$name.dhcp" "$name" env LAB_EVENTS="$LAB_DIR/$name.events" \
        udhcpc -f -i lan0 -s "$LAB_HOME/udhcpc-script.sh" -p "$LAB_DIR/$name.udhcpc.pid" \
        -t 5 -T 1 -A 1 "$@"
}

# lab_wait_event NAME REGEX [TIMEOUT_S=15] [N=1] : wait for the Nth client-script event
# matching REGEX. Events are "reason ip" lines, reason lower-cased (dhclient: preinit, bound,
# renew, rebind, reboot, expire, release, stop...; udhcpc: deconfig, bound, renew, nak, leasefail).
lab_wait_event() {
    local name=$1 re=$2 t=${3:-15} n=${4:-1}
    lab_wait_for "$t" _lab_event_count "$LAB_DIR/$name.events" "$re" "$n" && return 0
    lab_die "$name: no event /$re/ (#$n) within ${t}s; events: $(tr '\n' ';' <"$LAB_DIR/$name.events" 2>/dev/null)"
}
_lab_event_count() { [[ -e $1 ]] && (($(grep -cE "$2" "$1") >= $3)); }

# lab_wait_lease NAME [TIMEOUT_S=15] [N=1] : wait for the Nth bind, print the leased address.
lab_wait_lease() {
    lab_wait_event "$1" '^(bound|reboot) ' "${2:-15}" "${3:-1}" || return 1
    grep -E '^(bound|reboot) ' "$LAB_DIR/$1.events" | sed -n "${3:-1}p" | awk '{print $2}'
}

# lab_ping NAME [DST=198.51.100.1] [COUNT=3] : data packets from the client's address.
lab_ping() {
    lab_exec "$1" ping -n -q -c "${3:-3}" -i 0.2 -W 1 "${2:-$LAB_SERVER_IP}" >/dev/null
}

# lab_capture_start ID KEY FILE IFACE[,IFACE...] [TOOL_ARGS...]
# One interface: tcpdump -w (pcap; "any" gives LINUX_SLL2, add -y LINUX_SLL for v1).
# Several interfaces: dumpcap, one pcapng with an interface block per interface.
# Waits until the capture is live. Background id: cap.ID.
lab_capture_start() {
    local id=$1 k=$2 file=$3 ifs=$4 i; shift 4
    local -a cmd
    if [[ $ifs == *,* ]]; then
        cmd=(dumpcap -q -s 0 -w "$file")
        for i in ${ifs//,/ }; do cmd+=(-i "$i"); done
    else
        # -Z root: don't drop privileges (the output dir may not be writable by tcpdump).
        # --immediate-mode: else packets wait up to 1 s in the kernel ring and the last
        # ones are lost at stop. It makes libpcap use fixed-size ring frames, and with
        # -s 0 (256 KiB frames) the ring holds ~8 packets: bursts get dropped. Hence 1600.
        cmd=(tcpdump -n -s 1600 -U --immediate-mode -Z root -i "$ifs" -w "$file")
    fi
    rm -f "$file"
    lab_bg "cap.$id" "$k" "${cmd[@]}" "$@"
    lab_wait_for 10 grep -qsE 'listening on|Capturing on' "$LAB_DIR/cap.$id.log" ||
        { cat "$LAB_DIR/cap.$id.log" >&2; lab_die "capture $id did not start"; return 1; }
    sleep 0.5 # dumpcap reports before its ring buffer is attached
    lab_alive "cap.$id" || { cat "$LAB_DIR/cap.$id.log" >&2; lab_die "capture $id exited"; return 1; }
}

# lab_capture_stop ID : let in-flight packets arrive, stop and flush the capture; fails
# if the kernel dropped packets (a fixture must hold everything that was on the wire).
lab_capture_stop() {
    local log=$LAB_DIR/cap.$1.log
    sleep 0.5
    lab_kill "cap.$1" INT 5
    if grep -qE '^[1-9][0-9]* packets? dropped by kernel' "$log" ||
        grep -qE "Packets received/dropped on interface .*: [0-9]+/[1-9]" "$log"; then
        cat "$log" >&2
        lab_die "capture $1 lost packets"
        return 1
    fi
}

# --- Helpers for the end-to-end tests (test/e2e/): dxgw, Redis, FreeRADIUS and the SAE
# stand-in run inside ${P}-rly beside the relay, so they only ever talk over that
# namespace's loopback and the lab's own links.

# lab_wait_listen KEY tcp|udp PORT [TIMEOUT_S=10] : wait until a socket listens on PORT in
# namespace KEY (e.g. a daemon started with lab_bg).
lab_wait_listen() {
    local k=$1 proto=$2 port=$3 t=${4:-10} flags
    case $proto in
        tcp) flags=-Hltn ;;
        udp) flags=-Hlun ;;
        *) lab_die "lab_wait_listen: protocol tcp or udp, not '$proto'"; return 1 ;;
    esac
    lab_wait_for "$t" _lab_listening "$k" "$flags" "$port" ||
        { lab_die "nothing listens on $proto/$port in $(lab_ns "$k") after ${t}s"; return 1; }
}
_lab_listening() { lab_exec "$1" ss "$2" "sport = :$3" 2>/dev/null | grep -q .; }

# lab_udhcpc_release NAME [TIMEOUT_S=5] : udhcpc SIGUSR2 (DHCPRELEASE, then deconfig), wait
# for that deconfig, stop udhcpc.
lab_udhcpc_release() {
    local name=$1 t=${2:-5} n=0
    [[ -e $LAB_DIR/$name.events ]] && n=$(grep -c '^deconfig' "$LAB_DIR/$name.events")
    lab_signal "$name.dhcp" USR2 || { lab_die "$name: udhcpc is not running"; return 1; }
    lab_wait_event "$name" '^deconfig' "$t" $((n + 1)) || return 1
    lab_kill "$name.dhcp"
}

# lab_clients NAME_PREFIX COUNT MAC_PREFIX : COUNT client namespaces NAME_PREFIX1 …
# NAME_PREFIXCOUNT, client i with MAC MAC_PREFIX:<i as two hex digits> (COUNT <= 255;
# MAC_PREFIX: five octets, e.g. 02:00:00:00:0e). Start their clients afterwards
# (lab_udhcpc / lab_dhclient return at once, so all of them start together).
lab_clients() {
    local pfx=$1 n=$2 macp=$3 i
    ((n >= 1 && n <= 255)) || { lab_die "lab_clients: COUNT must be 1..255"; return 1; }
    for ((i = 1; i <= n; i++)); do
        lab_client_ns "$pfx$i" --mac "$(printf '%s:%02x' "$macp" "$i")" || return 1
    done
}

# lab_packet_sockets KEY -> number of packet (AF_PACKET) sockets open in namespace KEY: a
# libpcap capture adds one, so a caller can wait until a capture it started is really live.
lab_packet_sockets() { lab_exec "$1" awk 'NR > 1 { n++ } END { print n + 0 }' /proc/net/packet; }
