#!/bin/bash
# Minimal udhcpc script for lab namespaces: configures the interface with ip(8) only and
# never writes resolv.conf or anything else outside the lab (the default script would).
# Events go to $LAB_EVENTS (inherited from the lab), one "event ip" line each.

case $1 in
    deconfig)
        ip link set dev "$interface" up
        ip -4 addr flush dev "$interface"
        ;;
    bound | renew)
        ip -4 addr replace "$ip/${mask:-24}" dev "$interface"
        for r in $router; do ip route replace default via "$r" dev "$interface"; break; done
        ;;
esac
[[ -n $LAB_EVENTS ]] && echo "$1 $ip" >>"$LAB_EVENTS"
exit 0
