#!/usr/bin/perl
# pcap-bigendian.pl IN.pcap OUT.pcap
# Rewrites a little-endian classic pcap (usec or nsec) as a big-endian one, i.e. as written
# on a big-endian host (magic bytes a1 b2 c3 d4). Packet bytes are unchanged. Wireshark's
# tools always write host byte order, hence this converter.
use strict;
use warnings;

my ($in, $out) = @ARGV;
die "usage: $0 IN.pcap OUT.pcap\n" unless defined $out;
open(my $fi, '<:raw', $in) or die "$in: $!\n";
local $/;
my $d = <$fi>;
close $fi;

my $magic = unpack('V', substr($d, 0, 4));
die "$in: not a little-endian pcap\n" unless $magic == 0xa1b2c3d4 || $magic == 0xa1b23c4d;
my ($vmaj, $vmin, $zone, $sigfigs, $snap, $link) = unpack('v v V V V V', substr($d, 4, 20));
my $o = pack('N n n N N N N', $magic, $vmaj, $vmin, $zone, $sigfigs, $snap, $link);
my $p = 24;
while ($p + 16 <= length $d) {
    my ($s, $f, $incl, $orig) = unpack('V4', substr($d, $p, 16));
    die "$in: truncated record at $p\n" if $p + 16 + $incl > length $d;
    $o .= pack('N4', $s, $f, $incl, $orig) . substr($d, $p + 16, $incl);
    $p += 16 + $incl;
}
open(my $fo, '>:raw', $out) or die "$out: $!\n";
print $fo $o;
close $fo or die "$out: $!\n";
