#!/usr/bin/perl
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Builds Concerto's demo and test GeoIP database from a CSV of documentation
# ranges (tests/geoip/ranges.csv, design section 5), in the GeoIP2 City
# layout that src/geo.c reads: country {iso_code, names}, subdivisions
# [ region {iso_code, names}, departement {iso_code, names} ].
#
#	perl tests/geoip/build.pl ranges.csv out.mmdb
#
# The CSV has a header row; lines starting with # are comments.  Each row
# is network,country,country_en,country_fr,region,region_en,region_fr,
# departement,departement_en,departement_fr; fields never hold a comma.  A
# row with no region has no subdivisions; a row with a region but no
# departement has one.  IPv4 networks are stored in ::/96 and aliased from
# ::ffff:0:0/96, as MaxMind does, so an IPv4 lookup works in this IPv6 tree.
#
# The ranges are reserved ones, hence remove_reserved_networks => 0.  A
# malformed row, a misaligned network or two overlapping networks stop the
# build; the output is written beside its name and renamed into place, so
# a failed build leaves no database behind.

use strict;
use utf8;
use warnings;

BEGIN {
	eval { require MaxMind::DB::Writer::Tree; 1 } or die
	    "MaxMind::DB::Writer::Tree is missing: make deps " .
	    "(Debian's libmaxmind-db-writer-perl)\n";
}
use Net::Works::Address;
use Net::Works::Network;

my @COLUMNS = qw(network country country_en country_fr region region_en
    region_fr departement departement_en departement_fr);

my %TYPES = (
	country		=> 'map',
	subdivisions	=> [ 'array', 'map' ],
	iso_code	=> 'utf8_string',
	names		=> 'map',
	en		=> 'utf8_string',
	fr		=> 'utf8_string',
);

die "usage: $0 ranges.csv out.mmdb\n" unless @ARGV == 2;
my ($csv, $out) = @ARGV;

my @rows = read_rows($csv);
check_overlaps(@rows);
write_db($out, @rows);
exit 0;

# The rows of the CSV as hashes keyed by column, each checked.
sub read_rows {
	my ($path) = @_;
	my (@rows, $header);

	open my $fh, '<:encoding(UTF-8)', $path or die "$path: $!\n";
	while (my $line = <$fh>) {
		chomp $line;
		next if $line =~ /^\s*(#|$)/;
		my @f = split /,/, $line, -1;
		if (!defined $header) {
			$header = join ',', @f;
			die "$path:$.: header is not " . join(',', @COLUMNS) . "\n"
			    unless $header eq join ',', @COLUMNS;
			next;
		}
		die "$path:$.: " . scalar(@f) . " fields, want " .
		    scalar(@COLUMNS) . "\n" unless @f == @COLUMNS;
		my %row;
		@row{@COLUMNS} = @f;
		check_row("$path:$.", \%row);
		push @rows, \%row;
	}
	close $fh;
	die "$path: no ranges\n" unless @rows;
	return @rows;
}

# Dies unless the row's codes and names are well formed and its network
# is a network address with its prefix (not 192.0.2.17/28).
sub check_row {
	my ($where, $r) = @_;

	my ($addr, $len) = $r->{network} =~ m{^([0-9A-Fa-f:.]+)/(\d+)$}
	    or die "$where: bad network '$r->{network}'\n";
	my $net = eval {
		Net::Works::Network->new_from_string(
		    string => $r->{network}, version => 6);
	} or die "$where: bad network '$r->{network}'\n";
	my $first = Net::Works::Address->new_from_string(
	    string => $addr, version => 6);
	die "$where: '$r->{network}' has host bits set\n"
	    unless $first->as_integer == $net->first->as_integer;
	$r->{net} = $net;

	die "$where: bad country '$r->{country}'\n"
	    unless $r->{country} =~ /^[A-Z]{2}$/;
	die "$where: bad region '$r->{region}'\n"
	    unless $r->{region} =~ /^([A-Z0-9]{1,3})?$/;
	die "$where: bad departement '$r->{departement}'\n"
	    unless $r->{departement} =~ /^([0-9][0-9AB][0-9]?)?$/;
	die "$where: departement without region\n"
	    if $r->{departement} ne '' && $r->{region} eq '';
	for my $k (qw(country region departement)) {
		next if $r->{$k} eq '';
		die "$where: $k $r->{$k} without both names\n"
		    if $r->{"${k}_en"} eq '' || $r->{"${k}_fr"} eq '';
	}
}

# Dies if two networks share an address: the writer would let the later
# row silently win over part of the earlier one.
sub check_overlaps {
	my @r = @_;

	for my $i (0 .. $#r) {
		for my $j ($i + 1 .. $#r) {
			my ($x, $y) = ($r[$i]{net}, $r[$j]{net});
			next if $x->last->as_integer < $y->first->as_integer ||
			    $y->last->as_integer < $x->first->as_integer;
			die "$r[$i]{network} overlaps $r[$j]{network}\n";
		}
	}
}

# The GeoIP2 City record of a row: { iso_code, names { en, fr } } parts.
sub record {
	my ($r) = @_;
	my %rec = (country => place($r, 'country'));
	my @subs;

	push @subs, place($r, 'region') if $r->{region} ne '';
	push @subs, place($r, 'departement') if $r->{departement} ne '';
	$rec{subdivisions} = \@subs if @subs;
	return \%rec;
}

sub place {
	my ($r, $k) = @_;

	return {
		iso_code	=> $r->{$k},
		names		=> { en => $r->{"${k}_en"}, fr => $r->{"${k}_fr"} },
	};
}

sub write_db {
	my ($path, @rows) = @_;
	my $tmp = "$path.tmp";

	my $tree = MaxMind::DB::Writer::Tree->new(
		ip_version		=> 6,
		record_size		=> 28,
		database_type		=> 'GeoIP2-City',
		languages		=> [ 'en', 'fr' ],
		description		=> {
			en => 'Concerto demo and test database (documentation ranges)',
			fr => 'Base de démonstration et de test de Concerto',
		},
		alias_ipv6_to_ipv4	=> 1,
		remove_reserved_networks => 0,
		map_key_type_callback	=> sub { $TYPES{ $_[0] } },
	);
	$tree->insert_network($_->{network}, record($_)) for @rows;

	eval {
		open my $fh, '>:raw', $tmp or die "$tmp: $!\n";
		$tree->write_tree($fh);
		close $fh or die "$tmp: $!\n";
		rename $tmp, $path or die "$path: $!\n";
		1;
	} or do {
		my $e = $@;
		unlink $tmp;
		die $e;
	};
}
