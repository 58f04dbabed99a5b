#!/bin/bash
# Checks that each capture fixture really contains what its name and README promise
# (message types, relay/unicast shape, option 82/61 variants, tags, link types), using
# tshark/capinfos. Prints one summary line per file. Exit status 1 if any check fails.
#
#   bash test/lab/verify-fixtures.sh [FIXTURES_DIR]
set -uo pipefail

DIR=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../fixtures" && pwd)}
cd "$DIR" || exit 1
FAIL=0
GIADDR=192.0.2.1 SERVER=198.51.100.1
CID_RELAY=72:65:6c:61:79:30 # "relay0": dhcrelay's circuit-id (the receiving interface)

# UDP checksums are verified: the lab turns TX checksum offload off, so bad ones are bugs.
ts() { tshark -o udp.check_checksum:TRUE -o ip.check_checksum:TRUE "$@" 2>/dev/null; }
n() { ts -r "$1" -Y "$2" | wc -l; }
fields() { local f=$1 y=$2; shift 2; ts -r "$f" -Y "$y" -T fields -E separator=' ' "${@/#/-e}"; }

fail() { echo "  FAIL $1: $2"; FAIL=1; }
# expect FILE FILTER MIN [MAX] : number of frames matching FILTER is within [MIN, MAX]
expect() {
    local c max=${4:-}
    c=$(n "$1" "$2")
    if ((c < $3)) || { [[ -n $max ]] && ((c > max)); }; then
        fail "$1" "'$2': $c frames, want $3..$max"
    fi
}
expect_info() { # FILE REGEX : capinfos output matches
    capinfos "$1" 2>/dev/null | grep -qE "$2" || fail "$1" "capinfos lacks /$2/"
}

summary() {
    local f=$1 t c s=""
    local -a names=(x DISCOVER OFFER REQUEST DECLINE ACK NAK RELEASE INFORM)
    local -A count=()
    for t in $(fields "$f" dhcp dhcp.option.dhcp); do count[$t]=$((${count[$t]:-0} + 1)); done
    for t in 1 2 3 4 5 6 7 8; do
        c=${count[$t]:-0}
        ((c)) && s+=" ${names[t]}=$c"
    done
    printf '%-48s %7d B %5d frames  %-14s%s\n' "$f" "$(stat -c %s "$f")" \
        "$(ts -r "$f" | wc -l)" "$(capinfos -E "$f" 2>/dev/null | sed -n 's/^File encapsulation: *//p' | tr ' ' _)" "$s"
    (($(stat -c %s "$f") < 200000)) || fail "$f" "larger than 200 KB"
    expect "$f" 'udp.checksum.status == "Bad" || ip.checksum.status == "Bad"' 0 0
}

# DORA through the relay, seen on both sides, then data from the leased address, a
# unicast renewal (giaddr 0) and a release. ARGS: FILE [renewals_seen_per_side]
check_lifecycle() {
    local f=$1 yi
    expect "$f" "dhcp.option.dhcp == 1 && dhcp.ip.relay == 0.0.0.0" 1
    expect "$f" "dhcp.option.dhcp == 1 && dhcp.ip.relay == $GIADDR && dhcp.option.agent_information_option.agent_circuit_id == $CID_RELAY" 1
    expect "$f" "dhcp.option.dhcp == 2" 2
    expect "$f" "dhcp.option.dhcp == 5 && dhcp.ip.relay == $GIADDR && dhcp.ip.client == 0.0.0.0" 2
    yi=$(fields "$f" "dhcp.option.dhcp == 5" dhcp.ip.your | head -1)
    [[ -n $yi ]] || { fail "$f" "no ACK"; return; }
    expect "$f" "icmp.type == 8 && ip.src == $yi" 2
    # renewal: REQUEST from the client's address straight to the server, ACK back unicast
    expect "$f" "dhcp.option.dhcp == 3 && dhcp.ip.client == $yi && dhcp.ip.relay == 0.0.0.0 && ip.dst == $SERVER" 2
    expect "$f" "dhcp.option.dhcp == 5 && dhcp.ip.client == $yi && dhcp.ip.relay == 0.0.0.0 && ip.dst == $yi" 2
    expect "$f" "dhcp.option.dhcp == 7 && dhcp.ip.client == $yi" 2
}

check() {
    local f=$1
    # A partial run (make-fixtures.sh SCENARIO…) checks only what it made.
    [[ -e $f ]] || { [[ ${VERIFY_PRESENT_ONLY:-0} == 1 ]] && return; fail "$f" "missing"; return; }
    summary "$f"
    case $f in
        dnsmasq-dora-ping-renew-release.pcap | dnsmasq-dora-ping-renew-release.nsec.pcap | \
            dnsmasq-dora-ping-renew-release.be.pcap | dnsmasq-dora-ping-renew-release.pcapng)
            check_lifecycle "$f"
            expect "$f" "dhcp.option.value == 01:02:00:00:00:01:01" 4 # option 61 = 01 + MAC
            case $f in
                *.nsec.pcap) expect_info "$f" 'File type: .*nanosecond pcap' ;;
                *.be.pcap)
                    [[ $(od -An -tx1 -N4 "$f" | tr -d ' ') == a1b2c3d4 ]] || fail "$f" "not big-endian"
                    cmp -s <(ts -r "$f" -T fields -e frame.time_epoch -e frame.len) \
                        <(ts -r dnsmasq-dora-ping-renew-release.pcap -T fields -e frame.time_epoch -e frame.len) ||
                        fail "$f" "differs from its little-endian original"
                    ;;
                *.pcapng) expect_info "$f" 'File type: .*pcapng' ;;
                *) expect_info "$f" 'File encapsulation: +Ethernet' ;;
            esac
            ;;
        dnsmasq-dora-ping-renew-release.raw.pcap)
            expect_info "$f" 'File encapsulation: +Raw IP'
            expect "$f" "arp" 0 0
            expect "$f" "dhcp.option.dhcp == 1" 2
            expect "$f" "dhcp.option.dhcp == 7" 2
            ;;
        dhcpd-dora-ping-renew-release.pcap)
            check_lifecycle "$f"
            expect "$f" "dhcp.option.type == 61" 0 0
            ;;
        kea-dora-ping-renew-release.pcapng)
            check_lifecycle "$f"
            expect_info "$f" 'Number of interfaces in file: 2'
            expect "$f" 'frame.interface_name == "br0" && dhcp' 4
            expect "$f" 'frame.interface_name == "up0" && dhcp' 4
            ;;
        nak.pcap)
            # INIT-REBOOT: broadcast REQUEST, ciaddr 0, option 50, no server-id
            expect "$f" "dhcp.option.dhcp == 3 && dhcp.ip.client == 0.0.0.0 && dhcp.option.requested_ip_address == 192.0.2.10 && !dhcp.option.dhcp_server_id" 2
            expect "$f" "dhcp.option.dhcp == 6 && dhcp.ip.relay == $GIADDR" 2
            expect "$f" "dhcp.option.dhcp == 5 && dhcp.ip.your == 192.0.2.10" 2
            expect "$f" "dhcp.option.dhcp == 5 && dhcp.ip.your == 192.0.2.100" 2
            ;;
        decline.pcap)
            expect "$f" "arp.opcode == 2 && arp.src.proto_ipv4 == 192.0.2.50 && eth.src == 02:00:00:00:05:99" 1
            expect "$f" "dhcp.option.dhcp == 4 && dhcp.option.requested_ip_address == 192.0.2.50" 2
            expect "$f" "dhcp.option.dhcp == 5 && dhcp.ip.your == 192.0.2.50" 2
            expect "$f" "dhcp.option.dhcp == 5 && dhcp.ip.your == 192.0.2.51" 2
            ;;
        vanish.pcap)
            expect "$f" "dhcp.option.dhcp == 5 && dhcp.ip.your == 192.0.2.60 && dhcp.hw.mac_addr == 02:00:00:00:06:0a" 2
            expect "$f" "dhcp.option.dhcp == 5 && dhcp.ip.your == 192.0.2.60 && dhcp.hw.mac_addr == 02:00:00:00:06:0b" 2
            expect "$f" "dhcp.option.dhcp == 7" 0 0
            expect "$f" "icmp.type == 8 && eth.src == 02:00:00:00:06:0a" 1
            expect "$f" "icmp.type == 8 && eth.src == 02:00:00:00:06:0b" 1
            local lease a_ack a_last b_first
            lease=$(fields "$f" "dhcp.option.dhcp == 5 && dhcp.hw.mac_addr == 02:00:00:00:06:0a" dhcp.option.ip_address_lease_time | head -1)
            a_ack=$(fields "$f" "dhcp.option.dhcp == 5 && dhcp.hw.mac_addr == 02:00:00:00:06:0a" frame.time_epoch | tail -1)
            a_last=$(fields "$f" "eth.src == 02:00:00:00:06:0a" frame.time_epoch | tail -1)
            b_first=$(fields "$f" "dhcp.hw.mac_addr == 02:00:00:00:06:0b" frame.time_epoch | head -1)
            awk -v l="$lease" -v a="$a_ack" -v z="$a_last" -v b="$b_first" \
                'BEGIN { exit !(l > 0 && b - a > l && b - z > l) }' ||
                fail "$f" "B's first DISCOVER is not > lease ($lease s) after A's ACK/last packet"
            ;;
        client-id-variants.pcap)
            expect "$f" 'dhcp.hw.mac_addr == 02:00:00:00:07:0a && dhcp.option.type == 61 && dhcp contains "dxgw-client-a"' 4
            expect "$f" 'dhcp.hw.mac_addr == 02:00:00:00:07:0b && dhcp.option.value == ff:00:00:00:07:00:03:00:01:02:00:00:00:07:0b' 4
            expect "$f" 'dhcp.hw.mac_addr == 02:00:00:00:07:0c && dhcp.option.type == 61' 0 0
            expect "$f" 'dhcp.hw.mac_addr == 02:00:00:00:07:0c && dhcp.option.dhcp == 5 && dhcp.flags.bc == 1' 2
            expect "$f" 'dhcp.option.dhcp == 7' 6
            ;;
        option82-remote-id.pcap)
            expect "$f" "dhcp.ip.relay == $GIADDR && dhcp.option.agent_information_option.agent_remote_id == \"subscriber-0042\" && dhcp.option.agent_information_option.agent_circuit_id == \"dslam-7 atm 1/1/3:8.35\"" 4
            expect "$f" "dhcp.option.dhcp == 5 && dhcp.option.agent_information_option.agent_remote_id" 1
            expect "$f" "dhcp.hw.mac_addr == 02:00:00:00:08:02 && dhcp.option.agent_information_option.agent_circuit_id == $CID_RELAY" 4
            ;;
        vlan-8021q.pcap)
            expect_info "$f" 'File encapsulation: +Ethernet'
            expect "$f" "!(vlan.id == 100) || ieee8021ad" 0 0
            expect "$f" "dhcp.option.dhcp == 5" 1
            expect "$f" "icmp.type == 8" 1
            ;;
        vlan-qinq.pcap)
            expect "$f" "!(eth.type == 0x88a8 && ieee8021ad.id == 200 && vlan.id == 100)" 0 0
            expect "$f" "dhcp.option.dhcp == 5" 1
            expect "$f" "icmp.type == 8" 1
            ;;
        any-linux-sll2.pcap | any-linux-sll.pcap)
            if [[ $f == *sll2* ]]; then
                expect_info "$f" 'File encapsulation: +Linux cooked-mode capture v2'
                (($(fields "$f" dhcp sll.ifindex | sort -u | wc -l) >= 3)) || fail "$f" "want >= 3 interfaces"
            else
                expect_info "$f" 'File encapsulation: +Linux cooked-mode capture v1'
            fi
            expect "$f" "dhcp.option.dhcp == 1 && dhcp.ip.relay == 0.0.0.0" 2
            expect "$f" "dhcp.option.dhcp == 5 && dhcp.ip.relay == $GIADDR" 2
            expect "$f" "dhcp.option.dhcp == 7" 2
            expect "$f" "icmp.type == 8" 2
            ;;
        many-clients.pcap)
            (($(fields "$f" "dhcp.option.dhcp == 5" dhcp.hw.mac_addr | sort -u | wc -l) >= 20)) || fail "$f" "want >= 20 clients with ACK"
            (($(fields "$f" "dhcp.option.dhcp == 5" dhcp.ip.your | sort -u | wc -l) >= 20)) || fail "$f" "want >= 20 addresses"
            (($(fields "$f" "icmp.type == 8" ip.src | sort -u | wc -l) >= 5)) || fail "$f" "want >= 5 pinging clients"
            ;;
        dhcrelay-on-gateway-double-renew.pcap)
            # the same renewal (one xid) reaches the server directly and relayed
            expect "$f" "dhcp.option.dhcp == 3 && dhcp.ip.client != 0.0.0.0 && dhcp.ip.relay == 0.0.0.0 && ip.dst == $SERVER" 2
            expect "$f" "dhcp.option.dhcp == 3 && dhcp.ip.client != 0.0.0.0 && dhcp.ip.relay == $GIADDR" 1
            expect "$f" "dhcp.option.dhcp == 5 && dhcp.ip.client != 0.0.0.0 && dhcp.ip.relay == 0.0.0.0" 2
            expect "$f" "dhcp.option.dhcp == 5 && dhcp.ip.client != 0.0.0.0 && dhcp.ip.relay == $GIADDR" 2
            ;;
        dhcrelay-renew-icmp-port-unreachable.pcap)
            # three renewals, each ACKed directly and relayed; each relayed ACK refused by ICMP
            # (the ICMP errors quote the ACK: tshark dissects that DHCP too, hence !icmp)
            expect "$f" "!icmp && dhcp.option.dhcp == 5 && dhcp.ip.client != 0.0.0.0 && dhcp.ip.relay == $GIADDR" 6 6
            expect "$f" "icmp.type == 3 && icmp.code == 3 && ip.dst == $GIADDR && udp.srcport == 67 && udp.dstport == 68" 3 3
            # the silent client (02:00:00:00:0d:01) sends no IP packet of its own but DHCP and ICMP errors
            expect "$f" "eth.src == 02:00:00:00:0d:01 && ip && !dhcp && icmp.type != 3" 0 0
            expect "$f" "icmp.type == 8 && eth.src == 02:00:00:00:0d:02" 1
            ;;
        *) fail "$f" "no checks defined" ;;
    esac
}

FILES=(
    dnsmasq-dora-ping-renew-release.pcap dnsmasq-dora-ping-renew-release.nsec.pcap
    dnsmasq-dora-ping-renew-release.pcapng dnsmasq-dora-ping-renew-release.be.pcap
    dnsmasq-dora-ping-renew-release.raw.pcap dhcpd-dora-ping-renew-release.pcap
    kea-dora-ping-renew-release.pcapng nak.pcap decline.pcap vanish.pcap
    client-id-variants.pcap option82-remote-id.pcap vlan-8021q.pcap vlan-qinq.pcap
    any-linux-sll2.pcap any-linux-sll.pcap many-clients.pcap dhcrelay-on-gateway-double-renew.pcap
    dhcrelay-renew-icmp-port-unreachable.pcap
)
for f in "${FILES[@]}"; do check "$f"; done
for f in *.pcap *.pcapng; do
    [[ " ${FILES[*]} " == *" $f "* ]] || fail "$f" "unexpected file (add checks and README entry)"
done
((FAIL)) && { echo "verify-fixtures: FAILED"; exit 1; }
echo "verify-fixtures: all ${#FILES[@]} fixtures OK"
