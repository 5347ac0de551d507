#!/usr/bin/perl
# An independent SMSC for the SMS channel tests, on Debian's Net::SMPP (libnet-smpp-perl).
#
# Usage: perl smsc.pl SYSTEM_ID PASSWORD [TIMEOUT_SECONDS]
#
# Listens on 127.0.0.1 on an ephemeral port and prints "LISTENING <port>". Serves one ESME
# connection: answers bind_transceiver (0x0E ESME_RINVPASWD on bad credentials), answers every
# submit_sm with message id "perl-<n>" and then sends an SMSC delivery receipt deliver_sm
# (esm_class 0x04, SMPP v3.4 Appendix B text plus receipted_message_id / message_state TLVs),
# answers enquire_link, and exits 0 on unbind or when the ESME hangs up, 2 on timeout.
# For each submit_sm it prints one line the test checks against the raw octets:
#   SUBMIT src=<ton>/<npi>/<addr> dst=<ton>/<npi> esm=<n> dc=<n> rd=<n> sm=<hex of short_message>
use strict;
use warnings;
use Net::SMPP;

my ($system_id, $password, $timeout) = @ARGV;
die "usage: smsc.pl SYSTEM_ID PASSWORD [TIMEOUT_SECONDS]\n" unless defined $password;
$timeout ||= 20;
$| = 1;

$SIG{ALRM} = sub { print "TIMEOUT\n"; exit 2; };
alarm $timeout;

my $listener = Net::SMPP->new_listen('127.0.0.1', port => 0, smpp_version => 0x34, timeout => $timeout)
    or die "cannot listen: $!";
print 'LISTENING ', $listener->sockport, "\n";

my $esme;
$esme = $listener->accept until defined $esme;
close $listener;

my $submitted = 0;
my %handler = (
    0x00000009 => \&on_bind_transceiver,
    0x00000004 => \&on_submit_sm,
    0x80000005 => sub { print "RECEIPT_ACK status=$_[0]{status}\n" },
    0x00000015 => sub { $esme->enquire_link_resp(seq => $_[0]{seq}) },
    0x00000006 => sub {
        $esme->unbind_resp(seq => $_[0]{seq});
        print "UNBIND\n";
        exit 0;
    },
);

while (1) {
    my $pdu = $esme->read_pdu();
    if (!defined $pdu) {
        print "CLOSED\n";
        exit 0;
    }
    my $handle = $handler{$pdu->{cmd}};
    if ($handle) { $handle->($pdu) }
    else { $esme->generic_nack(seq => $pdu->{seq}, status => 0x00000003) }    # ESME_RINVCMDID
}

sub on_bind_transceiver {
    my ($pdu) = @_;
    my $ok = $pdu->{system_id} eq $system_id && $pdu->{password} eq $password;
    print "BIND system_id=$pdu->{system_id} ok=", ($ok ? 1 : 0), "\n";
    $esme->bind_transceiver_resp(system_id => 'PERLSMSC', seq => $pdu->{seq}, status => ($ok ? 0 : 0x0000000E));
}

sub on_submit_sm {
    my ($pdu) = @_;
    my $id = 'perl-' . ++$submitted;
    printf "SUBMIT src=%d/%d/%s dst=%d/%d esm=%d dc=%d rd=%d sm=%s\n",
        $pdu->{source_addr_ton}, $pdu->{source_addr_npi}, $pdu->{source_addr},
        $pdu->{dest_addr_ton}, $pdu->{dest_addr_npi},
        $pdu->{esm_class}, $pdu->{data_coding}, $pdu->{registered_delivery}, unpack('H*', $pdu->{short_message});
    $esme->submit_sm_resp(message_id => $id, seq => $pdu->{seq});
    # Receipt: the SMSC becomes the sender, the handset the source (SMPP v3.4 §4.6.1, Appendix B).
    $esme->deliver_sm(
        source_addr_ton => $pdu->{dest_addr_ton}, source_addr_npi => $pdu->{dest_addr_npi},
        source_addr => $pdu->{destination_addr},
        dest_addr_ton => $pdu->{source_addr_ton}, dest_addr_npi => $pdu->{source_addr_npi},
        destination_addr => $pdu->{source_addr},
        esm_class => 0x04, data_coding => 0, registered_delivery => 0,
        short_message => "id:$id sub:001 dlvrd:001 submit date:2611251200 done date:2611251201 stat:DELIVRD err:000 text:",
        receipted_message_id => "$id\0",
        message_state => pack('C', 2),
        async => 1,
    );
}
