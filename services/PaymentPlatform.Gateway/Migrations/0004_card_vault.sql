-- The card vault (issue 10, section 4; PCI DSS 4.0.1 req. 3.5.1: stored PAN unreadable).
-- The PAN exists only as AES-256-GCM ciphertext; everything else in this table is what the rest
-- of the platform may see anyway (brand, BIN, last4, expiry, the keyed fingerprint).
CREATE TABLE card_vault (
    token        text        PRIMARY KEY CHECK (token ~ '^card_[0-9a-f]{24}$'),
    -- Gateway:Vault:Keys:{key_id} decrypts this row; rotation changes the active key, not old rows.
    key_id       text        NOT NULL CHECK (key_id ~ '^[A-Za-z0-9_-]{1,32}$'),
    nonce        bytea       NOT NULL CHECK (octet_length(nonce) = 12),
    ciphertext   bytea       NOT NULL CHECK (octet_length(ciphertext) BETWEEN 8 AND 19),
    tag          bytea       NOT NULL CHECK (octet_length(tag) = 16),
    -- HMAC-SHA256 of the PAN under the fingerprint key (hex, 32 characters): one row per card.
    fingerprint  text        NOT NULL UNIQUE CHECK (fingerprint ~ '^[0-9a-f]{32}$'),
    brand        text        NOT NULL CHECK (brand IN ('visa', 'mastercard', 'amex', 'discover', 'unknown')),
    bin          text        NOT NULL CHECK (bin ~ '^[0-9]{0,6}$'),
    last4        text        NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
    exp_month    smallint    NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
    exp_year     smallint    NOT NULL CHECK (exp_year BETWEEN 2000 AND 2199),
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Re-encryption finds the rows of a retired key without scanning the table.
CREATE INDEX card_vault_key_id ON card_vault (key_id);

-- A check value per key id (a one-way derivative of the key, never the key): a key id whose
-- secret was changed or regenerated is refused loudly instead of producing fingerprints that no
-- longer match and ciphertexts that cannot be read.
CREATE TABLE card_vault_keys (
    key_id       text        PRIMARY KEY CHECK (key_id ~ '^[A-Za-z0-9_-]{1,32}$'),
    check_value  bytea       NOT NULL CHECK (octet_length(check_value) = 16),
    created_at   timestamptz NOT NULL DEFAULT now()
);
