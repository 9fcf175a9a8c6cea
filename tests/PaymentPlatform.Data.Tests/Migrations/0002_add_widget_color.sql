ALTER TABLE widgets ADD COLUMN color text;
