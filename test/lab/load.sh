# shellcheck shell=bash
# The live load lab (issue 10), sourced after lib.sh: two namespaces joined by one veth.
#
#   ${P}-gen  gen0 ── veth ── cap0  ${P}-rly: dxgw captures cap0; its redis-server and
#             tcpreplay sends here        API listen on that namespace's loopback
#
# No addresses: cap0 is a mirror port. Frames sent to another MAC are dropped by the
# capture namespace's stack at once, so the only work they cause is the capture's.

# load_up : fresh lab (any earlier run of the prefix removed first).
load_up() {
    lab_down
    rm -rf "$LAB_DIR"
    mkdir -p "$LAB_DIR/run" && chmod 700 "$LAB_DIR" || return 1
    _lab_new_ns rly && _lab_new_ns gen || return 1
    ip link add gen0 netns "$(lab_ns gen)" type veth peer name cap0 netns "$(lab_ns rly)" || return 1
    ip -n "$(lab_ns gen)" link set gen0 up
    ip -n "$(lab_ns rly)" link set cap0 up
    lab_log "load lab up: $(lab_ns gen) gen0 -> $(lab_ns rly) cap0"
}

# load_redis PORT : a redis-server of the test's own, no persistence (speed is measured).
load_redis() {
    mkdir -p "$LAB_DIR/redis"
    lab_bg redis rly redis-server --bind 127.0.0.1 --port "$1" --dir "$LAB_DIR/redis" \
        --appendonly no --save '' --protected-mode no
    lab_wait_listen rly tcp "$1"
}

# load_send FILE TCPREPLAY_ARGS... : tcpreplay FILE out of gen0 in the foreground; its
# statistics ("Actual: … packets", "Rated: … pps") on stdout.
load_send() {
    local f=$1; shift
    lab_exec gen tcpreplay -i gen0 "$@" "$f" 2>&1
}

# load_flood_start ID FILE TCPREPLAY_ARGS... : tcpreplay looping FILE until load_flood_stop.
load_flood_start() {
    local id=$1 f=$2; shift 2
    lab_bg "$id" gen tcpreplay -i gen0 --loop=0 "$@" "$f"
    lab_wait_for 5 lab_alive "$id" || { cat "$LAB_DIR/$id.log" >&2; lab_die "flood $id did not start"; return 1; }
}

# load_flood_stop ID : stop it (SIGINT: tcpreplay prints its statistics), print its log.
load_flood_stop() {
    lab_kill "$1" INT 5
    cat "$LAB_DIR/$1.log"
}

# load_rx : frames cap0 has received so far (what the sender really offered).
load_rx() { lab_exec rly cat /sys/class/net/cap0/statistics/rx_packets; }
