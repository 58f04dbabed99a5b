#!/usr/bin/env python3
"""vlan-trunk.py CLIENT_NS RELAY_NS NAME VID[:VID]

Stand-in for a tagged access link, because the lab kernel may lack 802.1Q support
(CONFIG_VLAN_8021Q unset: "ip link add ... type vlan" fails with "Unknown device type").

Creates three taps and copies frames between the first two:
  lan0       in CLIENT_NS  the client's (untagged) interface
  p<NAME>    in RELAY_NS   the relay-side access port (untagged; lib.sh puts it on br0)
  t<NAME>    in RELAY_NS   the trunk: every frame crossing lan0 <-> p<NAME>, in both
                           directions, is written here with its tags, so a capture on
                           t<NAME> looks like a capture on a tagged trunk/parent port.
VID       one 802.1Q tag (TPID 0x8100)
SVID:CVID QinQ: outer 802.1ad tag (TPID 0x88a8), inner 802.1Q tag (TPID 0x8100)

Prints "ready" once the taps exist; lib.sh then configures and brings them up. The taps
disappear when this process ends.
"""
import ctypes
import fcntl
import os
import select
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TAP, IFF_NO_PI = 0x0002, 0x1000
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def enter(ns):
    fd = os.open(f"/run/netns/{ns}", os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), f"setns {ns}")
    os.close(fd)


def tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def write(fd, frame):
    try:
        os.write(fd, frame)
    except OSError:
        pass  # EIO while the tap is still down: the frame is lost, as on a down link


def main():
    cns, rns, name, tags = sys.argv[1:5]
    vids = [int(v) for v in tags.split(":")]
    tpids = [0x8100] if len(vids) == 1 else [0x88A8, 0x8100]
    tag = b"".join(struct.pack("!HH", t, v) for t, v in zip(tpids, vids))
    # A tap is created in the namespace the process is in at TUNSETIFF time.
    enter(cns)
    client = tap("lan0")
    enter(rns)
    port = tap("p" + name)
    trunk = tap("t" + name)
    print("ready", flush=True)
    peer = {client: port, port: client}
    while True:
        ready, _, _ = select.select([client, port], [], [])
        for fd in ready:
            frame = os.read(fd, 65535)
            write(peer[fd], frame)
            write(trunk, frame[:12] + tag + frame[12:])


if __name__ == "__main__":
    main()
