#!/bin/bash
# Minimal dhclient script for lab namespaces. dhclient inside a netns still shares the
# host's /etc, so unlike the stock script this only touches lan0 via ip(8): it never
# writes resolv.conf, hostname, NTP or anything else. dhclient gives the script a clean
# environment; LAB_EVENTS arrives via "dhclient -e".

mask2len() {
    local IFS=. o n=0
    for o in $1; do while ((o & 128)); do ((n++, o = (o << 1) & 255)); done; done
    echo $n
}

case $reason in
    PREINIT)
        ip link set dev "$interface" up
        ;;
    BOUND | RENEW | REBIND | REBOOT)
        if [[ -n $old_ip_address && $old_ip_address != "$new_ip_address" ]]; then
            ip -4 addr flush dev "$interface"
        fi
        ip -4 addr replace "$new_ip_address/$(mask2len "${new_subnet_mask:-255.255.255.0}")" dev "$interface"
        for r in $new_routers; do ip route replace default via "$r" dev "$interface"; break; done
        ;;
    EXPIRE | FAIL | RELEASE | STOP)
        ip -4 addr flush dev "$interface"
        ;;
esac
[[ -n $LAB_EVENTS ]] && echo "${reason,,} ${new_ip_address:-$old_ip_address}" >>"$LAB_EVENTS"
exit 0
