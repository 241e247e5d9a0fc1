"""Mail to readers: telling a reader who suggested a claim that its verdict
is out. Sent by a worker once the publishing transaction commits, never
inside a request; a sweep tells anyone a lost job missed and deletes
addresses past their retention."""
