# shellcheck shell=bash
# Flow export in the namespace lab (source after lib.sh): Debian's softflowd as a real
# NetFlow v9 / IPFIX exporter watching a lab interface, and a UDP sink so its exports are
# never refused while only a capture listens. Used by make-flow-fixtures.sh and the
# flow-activation end-to-end test.

# lab_softflowd ID KEY IFACE HOST:PORT SOFTFLOWD_ARGS... : softflowd in the foreground on
# IFACE in namespace KEY, exporting to HOST:PORT, with its pid file and control socket in
# $LAB_DIR (background id ID). Flows expire 1 s after their last packet or 2 s after their
# first (checked every second), so records follow the traffic closely.
lab_softflowd() {
    local id=$1 k=$2 ifc=$3 to=$4; shift 4
    lab_bg "$id" "$k" softflowd -d -i "$ifc" -n "$to" -p "$LAB_DIR/$id.pid" -c "$LAB_DIR/$id.ctl" \
        -t maxlife=2 -t general=1 -t icmp=1 -t udp=1 -t tcp=1 -t expint=1 "$@"
    lab_wait_for 5 test -S "$LAB_DIR/$id.ctl" || { cat "$LAB_DIR/$id.log" >&2; lab_die "softflowd $id did not start"; return 1; }
}

# lab_softflowd_expire ID KEY : export every flow softflowd holds now (softflowctl expire-all).
lab_softflowd_expire() { lab_exec "$2" softflowctl -c "$LAB_DIR/$1.ctl" expire-all >/dev/null; }

# lab_softflowd_stat ID KEY NAME -> one number of "softflowctl statistics" (e.g. "Packets processed").
lab_softflowd_stat() {
    lab_exec "$2" softflowctl -c "$LAB_DIR/$1.ctl" statistics | awk -v n="$3" -F': *' '$1 == n { split($2, a, " "); print a[1]; exit }'
}

# lab_flow_push NAME [DST=198.51.100.1] : a burst of 3000 flood pings from client NAME. softflowd
# opens libpcap with a timeout of 0, and TPACKET_V3 then hands packets over only in full
# 256 KiB blocks: the burst fills the blocks that hold the traffic before it.
lab_flow_push() {
    lab_exec "$1" ping -n -q -f -c 3000 "${2:-$LAB_SERVER_IP}" >/dev/null
}

# lab_udp_sink ID KEY PORT : a UDP socket on 127.0.0.1:PORT in namespace KEY that reads and
# discards (background id ID).
lab_udp_sink() {
    lab_bg "$1" "$2" python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True: s.recv(65535)' "$3"
    lab_wait_listen "$2" udp "$3"
}
