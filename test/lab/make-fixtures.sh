#!/bin/bash
# Regenerates the real-traffic capture fixtures in test/fixtures/ with the namespace lab
# (lib.sh): real DHCP servers (dnsmasq, ISC dhcpd, Kea), ISC dhcrelay with option 82, and
# dhclient/udhcpc clients. Needs root; no traffic leaves the lab's namespaces.
#
#   bash test/lab/make-fixtures.sh [SCENARIO...]     (default: all; see SCENARIOS below)
#
# Each scenario builds a fresh lab, captures, and tears it down. Files are written to
# $FIXTURES (default test/fixtures), then test/lab/verify-fixtures.sh checks their contents.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FIXTURES=${FIXTURES:-$(cd "$HERE/../fixtures" && pwd)}
# shellcheck source=lib.sh
source "$HERE/lib.sh"
lab_trap

SCENARIOS=(dnsmasq dhcpd kea nak decline vanish clientid opt82 vlan anylink many doublerelay icmprenew)

# Client-side (br0) and server-side (up0) captures of the relay namespace, merged into one
# EN10MB pcap: every relayed message shows up twice.
both_sides_start() {
    lab_capture_start down rly "$LAB_DIR/down.pcap" br0
    lab_capture_start up rly "$LAB_DIR/up.pcap" up0
}
both_sides_stop() { # OUTFILE
    lab_capture_stop down
    lab_capture_stop up
    mergecap -F pcap -w "$1" "$LAB_DIR/down.pcap" "$LAB_DIR/up.pcap"
    lab_log "wrote $1"
}

# udhcpc release: USR2 sends DHCPRELEASE and deconfigures (a second "deconfig" event).
udhcpc_release() {
    lab_signal "$1.dhcp" USR2
    lab_wait_event "$1" '^deconfig' 5 2
    lab_kill "$1.dhcp"
}

# dnsmasq: DORA via relay, ping, unicast renewal (udhcpc SIGUSR1), release. udhcpc sends
# option 61 = 01+MAC. Also the source of the derived format variants (see derive_formats).
scenario_dnsmasq() {
    lab_up
    lab_start_server dnsmasq
    lab_start_relay
    lab_client_ns c1 --mac 02:00:00:00:01:01
    both_sides_start
    lab_udhcpc c1
    lab_wait_lease c1 >/dev/null
    lab_ping c1
    lab_signal c1.dhcp USR1
    lab_wait_event c1 '^renew ' 5
    udhcpc_release c1
    both_sides_stop "$FIXTURES/dnsmasq-dora-ping-renew-release.pcap"
    lab_down
}

# ISC dhcpd: same story with ISC dhclient (no option 61). T1 = 3 s makes dhclient renew
# (unicast, giaddr 0) on its own; "dhclient -r" then releases.
scenario_dhcpd() {
    lab_up
    lab_start_server dhcpd lease=60 renew=3
    lab_start_relay
    lab_client_ns c2 --mac 02:00:00:00:02:01
    both_sides_start
    lab_dhclient c2
    lab_wait_lease c2 >/dev/null
    lab_ping c2
    lab_wait_event c2 '^renew ' 8
    lab_dhclient_release c2
    both_sides_stop "$FIXTURES/dhcpd-dora-ping-renew-release.pcap"
    lab_down
}

# Kea: same story with udhcpc (USR1 renew, USR2 release), captured by dumpcap on br0 AND
# up0 into one pcapng (two interface description blocks).
scenario_kea() {
    lab_up
    lab_start_server kea lease=60 renew=30
    lab_start_relay
    lab_client_ns c3 --mac 02:00:00:00:03:01
    lab_capture_start both rly "$LAB_DIR/kea.pcapng" br0,up0
    lab_udhcpc c3 -x hostname:kea-client
    lab_wait_lease c3 >/dev/null
    lab_ping c3
    lab_signal c3.dhcp USR1
    lab_wait_event c3 '^renew ' 5
    udhcpc_release c3
    lab_capture_stop both
    cp "$LAB_DIR/kea.pcapng" "$FIXTURES/kea-dora-ping-renew-release.pcapng"
    lab_log "wrote kea-dora-ping-renew-release.pcapng"
    lab_down
}

# NAK: the client gets 192.0.2.10 and "reboots" (killed, no release); meanwhile the
# authoritative Kea is renumbered (fresh lease DB, pool .100-.109). The rebooting dhclient
# asks for its old address (INIT-REBOOT REQUEST, option 50, no server-id) -> DHCPNAK,
# then DORA for a new address. (ISC dhcpd stays silent here: "unknown lease".)
scenario_nak() {
    lab_up
    lab_start_server kea pool=192.0.2.10-192.0.2.19 lease=300
    lab_start_relay
    lab_client_ns c4 --mac 02:00:00:00:04:01
    both_sides_start
    lab_dhclient c4
    lab_wait_lease c4 >/dev/null
    lab_ping c4
    lab_kill c4.dhcp KILL
    lab_exec c4 ip -4 addr flush dev lan0
    lab_stop_server
    rm -f "$LAB_DIR"/kea-leases4.csv*
    lab_start_server kea pool=192.0.2.100-192.0.2.109 lease=300
    lab_dhclient c4
    lab_wait_lease c4 20 2 >/dev/null
    lab_ping c4
    lab_kill c4.dhcp
    both_sides_stop "$FIXTURES/nak.pcap"
    lab_down
}

# DECLINE: squatter "sq" statically holds 192.0.2.50, the first address of Kea's pool
# .50-.51 (Kea does no ping check). udhcpc -a ARP-probes the offer, gets the squatter's
# reply and sends DHCPDECLINE; Kea parks .50 and the retry gets .51.
scenario_decline() {
    lab_up
    lab_start_server kea pool=192.0.2.50-192.0.2.51 lease=300
    lab_start_relay
    lab_client_ns sq --mac 02:00:00:00:05:99 --addr 192.0.2.50/24
    lab_client_ns c5 --mac 02:00:00:00:05:01
    both_sides_start
    lab_udhcpc c5 -a500
    lab_wait_lease c5 20 >/dev/null
    lab_ping c5
    lab_kill c5.dhcp
    both_sides_stop "$FIXTURES/decline.pcap"
    lab_down
}

# Vanish: Kea with a 20 s lease and a pool of ONE address. Client A leases it, pings and
# vanishes (kill -9, namespace deleted: no release). After the lease has expired, client B
# (other MAC) gets the same address and pings.
scenario_vanish() {
    local lease=20
    lab_up
    lab_start_server kea pool=192.0.2.60-192.0.2.60 lease=$lease
    lab_start_relay
    lab_client_ns va --mac 02:00:00:00:06:0a
    lab_client_ns vb --mac 02:00:00:00:06:0b
    both_sides_start
    lab_udhcpc va
    lab_wait_lease va >/dev/null
    lab_ping va
    lab_client_del va
    sleep $((lease + 4))
    lab_udhcpc vb
    lab_wait_lease vb 20 >/dev/null
    lab_ping vb
    lab_kill vb.dhcp
    both_sides_stop "$FIXTURES/vanish.pcap"
    lab_down
}

# Client-id variants (dnsmasq), one after the other, each DORA + ping + release:
#   ca: dhclient, option 61 = ASCII string "dxgw-client-a" (no type byte)
#   cb: udhcpc, option 61 = hex ff + IAID + DUID-LL (RFC 4361 style)
#   cc: udhcpc -C: no option 61 at all; -B asks for broadcast replies
scenario_clientid() {
    lab_up
    lab_start_server dnsmasq
    lab_start_relay
    lab_client_ns ca --mac 02:00:00:00:07:0a
    lab_client_ns cb --mac 02:00:00:00:07:0b
    lab_client_ns cc --mac 02:00:00:00:07:0c
    both_sides_start
    lab_dhclient ca --cid dxgw-client-a
    lab_wait_lease ca >/dev/null
    lab_ping ca 198.51.100.1 1
    lab_dhclient_release ca
    lab_udhcpc cb -x 0x3d:ff000000070003000102000000070b
    lab_wait_lease cb >/dev/null
    lab_ping cb 198.51.100.1 1
    udhcpc_release cb
    lab_udhcpc cc -C -B
    lab_wait_lease cc >/dev/null
    lab_ping cc 198.51.100.1 1
    udhcpc_release cc
    both_sides_stop "$FIXTURES/client-id-variants.pcap"
    lab_down
}

# Option 82 from below the relay: client "o1" plays an L2 access node and sends option 82
# itself (circuit-id "dslam-7 atm 1/1/3:8.35", remote-id "subscriber-0042"); "o2" sends
# none. dhcrelay -a -m forward leaves an existing option 82 untouched and adds its own
# (circuit-id "relay0") to o2's messages. dhcpd echoes option 82 in its replies.
scenario_opt82() {
    lab_up
    lab_start_server dhcpd lease=300
    lab_start_relay -a -m forward
    lab_client_ns o1 --mac 02:00:00:00:08:01
    lab_client_ns o2 --mac 02:00:00:00:08:02
    both_sides_start
    local cid rid
    cid=$(printf 'dslam-7 atm 1/1/3:8.35' | od -An -tx1 | tr -d ' \n')
    rid=$(printf 'subscriber-0042' | od -An -tx1 | tr -d ' \n')
    lab_udhcpc o1 -x "0x52:01$(printf %02x $((${#cid} / 2)))${cid}02$(printf %02x $((${#rid} / 2)))${rid}"
    lab_wait_lease o1 >/dev/null
    lab_ping o1 198.51.100.1 1
    lab_udhcpc o2
    lab_wait_lease o2 >/dev/null
    lab_ping o2 198.51.100.1 1
    udhcpc_release o1
    udhcpc_release o2
    both_sides_stop "$FIXTURES/option82-remote-id.pcap"
    lab_down
}

# VLANs (dnsmasq): v1 on 802.1Q VLAN 100, q1 on QinQ (802.1ad S-VLAN 200, 802.1Q C-VLAN
# 100). Captured on each client's trunk tap t<name> (see vlan-trunk.py), so the tags are
# in the frames.
scenario_vlan() {
    lab_up
    lab_start_server dnsmasq
    lab_start_relay
    lab_client_ns v1 --mac 02:00:00:00:09:01 --vlan 100
    lab_client_ns q1 --mac 02:00:00:00:09:02 --qinq 200:100
    lab_capture_start v1 rly "$LAB_DIR/v1.pcap" tv1
    lab_capture_start q1 rly "$LAB_DIR/q1.pcap" tq1
    lab_udhcpc v1
    lab_udhcpc q1
    lab_wait_lease v1 >/dev/null
    lab_wait_lease q1 >/dev/null
    lab_ping v1 198.51.100.1 2
    lab_ping q1 198.51.100.1 2
    udhcpc_release v1
    udhcpc_release q1
    lab_capture_stop v1
    lab_capture_stop q1
    cp "$LAB_DIR/v1.pcap" "$FIXTURES/vlan-8021q.pcap"
    cp "$LAB_DIR/q1.pcap" "$FIXTURES/vlan-qinq.pcap"
    lab_log "wrote vlan-8021q.pcap vlan-qinq.pcap"
    lab_down
}

# Cooked link types: the same DORA + ping + release captured twice at once with
# "tcpdump -i any" in the relay namespace: LINUX_SLL2 (default) and -y LINUX_SLL.
scenario_anylink() {
    lab_up
    lab_start_server dnsmasq
    lab_start_relay
    lab_client_ns c6 --mac 02:00:00:00:0a:01
    lab_capture_start sll2 rly "$LAB_DIR/sll2.pcap" any
    lab_capture_start sll rly "$LAB_DIR/sll.pcap" any -y LINUX_SLL
    lab_udhcpc c6
    lab_wait_lease c6 >/dev/null
    lab_ping c6 198.51.100.1 1
    udhcpc_release c6
    lab_capture_stop sll2
    lab_capture_stop sll
    cp "$LAB_DIR/sll2.pcap" "$FIXTURES/any-linux-sll2.pcap"
    cp "$LAB_DIR/sll.pcap" "$FIXTURES/any-linux-sll.pcap"
    lab_log "wrote any-linux-sll2.pcap any-linux-sll.pcap"
    lab_down
}

# Many clients (dnsmasq): 20 udhcpc clients start DORA at the same time; m01..m05 ping.
scenario_many() {
    local i n
    lab_up
    lab_start_server dnsmasq
    lab_start_relay
    for i in $(seq 1 20); do
        n=$(printf m%02d "$i")
        lab_client_ns "$n" --mac "$(printf '02:00:00:00:0b:%02x' "$i")"
    done
    both_sides_start
    for i in $(seq 1 20); do lab_udhcpc "$(printf m%02d "$i")"; done
    for i in $(seq 1 20); do lab_wait_lease "$(printf m%02d "$i")" 30 >/dev/null; done
    local -a pings=()
    for i in $(seq 1 5); do lab_ping "$(printf m%02d "$i")" 198.51.100.1 2 & pings+=($!); done
    for i in "${pings[@]}"; do wait "$i"; done
    both_sides_stop "$FIXTURES/many-clients.pcap"
    lab_down
}

# ISC dhcrelay listening on the gateway interface itself (br0): its packet socket also
# picks up the client's unicast renewal that the kernel routes to the server, so the
# server sees it twice (direct, giaddr 0; relayed, giaddr 192.0.2.1 + option 82) and
# ACKs twice. Real-world artifact, kept as a "same renewal seen two ways" fixture.
scenario_doublerelay() {
    lab_up
    lab_start_server dnsmasq
    LAB_RELAY_ON_BRIDGE=1 lab_start_relay
    lab_client_ns c7 --mac 02:00:00:00:0c:01
    both_sides_start
    lab_udhcpc c7
    lab_wait_lease c7 >/dev/null
    lab_signal c7.dhcp USR1
    lab_wait_event c7 '^renew ' 5
    sleep 0.5 # the relayed second ACK arrives after the direct one
    udhcpc_release c7
    both_sides_stop "$FIXTURES/dhcrelay-on-gateway-double-renew.pcap"
    lab_down
}

# ICMP errors that answer DHCP (issue 10): dhcrelay on the gateway br0 (as in doublerelay)
# relays each unicast renewal a second time, so the server ACKs twice. udhcpc takes the direct
# ACK, runs its script and closes its port 68 socket (busybox listens only while it waits for
# a reply); a relayed ACK arriving after that meets a closed port, and the client's stack
# answers with an ICMP Port Unreachable from the client's address. Whether the relayed ACK
# comes late enough is a race (2.5 ms behind in doublerelay: an ICMP error; 0.4 ms: none, the
# socket still open), so dhcrelay is held (SIGSTOP) from the renewal until the client is bound
# again with port 68 closed, then let go (SIGCONT): a slow relay, every time. Its packet socket
# keeps the REQUEST meanwhile. "is1" never sends anything of its own: it renews twice and must
# stay bound, never active. "it1" renews the same way, then pings: its own traffic, the
# counter-check. No release (SIGTERM: udhcpc leaves quietly).
_icmp_unreach_seen() { # FILE N : the capture holds N ICMP destination-unreachable messages
    (($(tcpdump -n -r "$1" 'icmp[icmptype] == icmp-unreach' 2>/dev/null | wc -l) >= $2))
}
_port68_closed() { ! lab_exec "$1" ss -Haun 'sport = :68' 2>/dev/null | grep -q .; }
scenario_icmprenew() {
    local c n=0 renews
    lab_up
    lab_start_server dnsmasq
    LAB_RELAY_ON_BRIDGE=1 lab_start_relay
    lab_client_ns is1 --mac 02:00:00:00:0d:01
    lab_client_ns it1 --mac 02:00:00:00:0d:02
    both_sides_start
    lab_udhcpc is1
    lab_udhcpc it1
    lab_wait_lease is1 >/dev/null
    lab_wait_lease it1 >/dev/null
    for c in is1 it1 is1; do
        renews=$(grep -c '^renew ' "$LAB_DIR/$c.events" || true)
        # udhcpc writes "bound" before it closes its socket: a renewal asked for in between is lost.
        lab_wait_for 5 _port68_closed "$c" || { lab_die "$c: port 68 still open"; return 1; }
        lab_signal relay STOP
        lab_signal "$c.dhcp" USR1
        lab_wait_event "$c" '^renew ' 5 $((renews + 1))
        lab_wait_for 5 _port68_closed "$c" || { lab_die "$c: port 68 still open"; return 1; }
        lab_signal relay CONT
        n=$((n + 1))
        lab_wait_for 5 _icmp_unreach_seen "$LAB_DIR/down.pcap" $n ||
            { lab_die "$c: no ICMP Port Unreachable after its renewal"; return 1; }
    done
    lab_ping it1 198.51.100.1 1
    lab_kill is1.dhcp
    lab_kill it1.dhcp
    both_sides_stop "$FIXTURES/dhcrelay-renew-icmp-port-unreachable.pcap"
    lab_down
}

# Format variants of one real fixture (conversions, not captures).
derive_formats() {
    local src=$FIXTURES/dnsmasq-dora-ping-renew-release.pcap b=$FIXTURES/dnsmasq-dora-ping-renew-release
    editcap -F nsecpcap "$src" "$b.nsec.pcap"
    editcap -F pcapng "$src" "$b.pcapng"
    perl "$HERE/pcap-bigendian.pl" "$src" "$b.be.pcap"
    # LINKTYPE_RAW: IPv4 packets only (no ARP), Ethernet header chopped off.
    tshark -r "$src" -Y ip -F pcap -w "$LAB_DIR/ip-only.pcap"
    editcap -F pcap -L -C 14 -T rawip "$LAB_DIR/ip-only.pcap" "$b.raw.pcap"
    lab_log "wrote $b.{nsec.pcap,pcapng,be.pcap,raw.pcap}"
}

main() {
    local t0=$SECONDS s
    local -a run=("$@")
    local partial=1
    ((${#run[@]})) || { run=("${SCENARIOS[@]}"); partial=0; }
    mkdir -p "$FIXTURES"
    for s in "${run[@]}"; do
        lab_log "=== scenario $s"
        "scenario_$s"
        [[ $s == dnsmasq ]] && { mkdir -p "$LAB_DIR"; derive_formats; }
    done
    lab_down
    chmod 644 "$FIXTURES"/*.pcap "$FIXTURES"/*.pcapng # dumpcap creates files 0600
    lab_log "captures done in $((SECONDS - t0)) s, verifying"
    VERIFY_PRESENT_ONLY=$partial bash "$HERE/verify-fixtures.sh" "$FIXTURES"
    lab_log "total $((SECONDS - t0)) s"
}

main "$@"
