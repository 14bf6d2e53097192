CREATE TABLE migrated_accounts (id BIGINT PRIMARY KEY, name VARCHAR(40));
INSERT INTO migrated_accounts VALUES (1, 'first');
