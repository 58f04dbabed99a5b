#!/bin/bash
# Re-records the flow-export fixtures in test/fixtures/flows/ with the namespace lab: Debian's
# softflowd watches br0 (the clients' side of the relay) while a udhcpc client gets a lease
# through dhcrelay from dnsmasq, pings the server, answers a datagram to a closed port with an
# ICMP Port Unreachable, renews by unicast; a host with a static address (no lease) pings
# too. Four softflowd exporters run at once, each exporting to its own UDP port on the relay
# namespace's loopback, where tcpdump records the export datagrams:
#
#   softflowd-v9.pcap           -v 9                    NetFlow v9, times relative to sysUptime
#   softflowd-v9-ether.pcap     -v 9 -T ether           ... with source MAC
#   softflowd-ipfix.pcap        -v 10                   IPFIX, flowStart/EndSysUpTime + options
#                                                        record with systemInitTimeMilliseconds
#   softflowd-ipfix-ether.pcap  -v 10 -T ether -A milli IPFIX, source MAC, flowStart/EndMilliseconds
#
# Needs root; no traffic leaves the lab's namespaces.   bash test/lab/make-flow-fixtures.sh
# The addresses and MACs it used are written to test/fixtures/flows/lab.json.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${FIXTURES:-$(cd "$HERE/../fixtures" && pwd)}/flows
LAB_PREFIX=${LAB_PREFIX:-dxflowfx}
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# shellcheck source=flows.sh
source "$HERE/flows.sh"
lab_trap
mkdir -p "$OUT"

CLIENT_MAC=02:00:00:00:0f:01
STATIC_IP=192.0.2.200
declare -A EXPORTERS=(
    [v9]="9995 -v 9"
    [v9-ether]="9996 -v 9 -T ether"
    [ipfix]="4739 -v 10"
    [ipfix-ether]="4740 -v 10 -T ether -A milli"
)

lab_up
lab_start_server dnsmasq
lab_start_relay
lab_client_ns c1 --mac $CLIENT_MAC
lab_client_ns s1 --mac 02:00:00:00:0f:02 --addr $STATIC_IP/24 --gw $LAB_GIADDR
for name in "${!EXPORTERS[@]}"; do
    read -r port args <<<"${EXPORTERS[$name]}"
    lab_udp_sink "sink.$name" rly "$port"
    lab_capture_start "$name" rly "$LAB_DIR/$name.pcap" lo udp dst port "$port"
    # shellcheck disable=SC2086
    lab_softflowd "sf.$name" rly br0 "127.0.0.1:$port" $args
done

lab_udhcpc c1
ip=$(lab_wait_lease c1)
lab_ping c1
# A datagram to a closed port of the client: its stack answers with ICMP Port Unreachable.
lab_exec rly bash -c "echo probe >/dev/udp/$ip/9"
lab_ping s1
lab_signal c1.dhcp USR1
lab_wait_event c1 '^renew ' 5
lab_flow_push c1
for name in "${!EXPORTERS[@]}"; do lab_softflowd_expire "sf.$name" rly; done
sleep 1
for name in "${!EXPORTERS[@]}"; do
    lab_capture_stop "$name"
    cp "$LAB_DIR/$name.pcap" "$OUT/softflowd-$name.pcap"
    lab_log "wrote softflowd-$name.pcap"
done
printf '{ "client": { "ip": "%s", "mac": "%s" }, "static": { "ip": "%s", "mac": "%s" }, "server": "%s", "relay": "%s" }\n' \
    "$ip" $CLIENT_MAC $STATIC_IP 02:00:00:00:0f:02 $LAB_SERVER_IP $LAB_GIADDR >"$OUT/lab.json"
lab_down
