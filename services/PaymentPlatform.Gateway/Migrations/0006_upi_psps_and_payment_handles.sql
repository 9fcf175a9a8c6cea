-- Payment handles (issue 12): the PSP reference data, and the handle of each UPI payment.
-- The gateway reads upi_psps into an in-process cache at start and on a timer, never on a request's path.
CREATE TABLE upi_psps (
    code        text        PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9]{1,63}$'),
    name        text        NOT NULL,
    active      boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO upi_psps (code, name) VALUES
    ('okhdfcbank', 'HDFC Bank (Google Pay)'),
    ('okaxis', 'Axis Bank (Google Pay)'),
    ('oksbi', 'State Bank of India (Google Pay)'),
    ('okicici', 'ICICI Bank (Google Pay)'),
    ('ybl', 'Yes Bank (PhonePe)'),
    ('ibl', 'ICICI Bank (PhonePe)'),
    ('axl', 'Axis Bank (PhonePe)'),
    ('paytm', 'Paytm Payments Bank'),
    ('apl', 'Axis Bank (Amazon Pay)'),
    ('upi', 'BHIM');

-- A UPI payment's handle, written before the payment row (the payment's first recovery point), so a payment
-- without a card always finds its handle here, whoever completes it. One row per payment; no foreign key, because
-- the row comes first.
CREATE TABLE payment_upi (
    payment_id  text        PRIMARY KEY CHECK (payment_id ~ '^pay_[a-z0-9]+$'),
    -- PostgreSQL's regular expressions repeat at most 255 times: the local part's 2-256 characters are a length check.
    handle      text        NOT NULL CHECK (handle ~ '^[a-z0-9._-]+@[a-z][a-z0-9]{1,63}$' AND strpos(handle, '@') BETWEEN 3 AND 257),
    created_at  timestamptz NOT NULL DEFAULT now()
);
