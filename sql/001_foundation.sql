-- Foundation: extensions every later migration may rely on.
-- pgcrypto gives digest(), hmac() and gen_random_bytes() to SQL; the
-- workers take their own randomness from getrandom(2).
CREATE EXTENSION IF NOT EXISTS pgcrypto;
