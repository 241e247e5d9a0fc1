"""Mail, sent by a worker once the transaction that made it commits, never
inside a request; a sweep sends what a lost job missed.

- `tasks`: telling a reader who suggested a claim that its verdict is out,
  and deleting addresses past their retention;
- `notifications`: the desk's notifications, to each person who has not
  turned that kind off."""
