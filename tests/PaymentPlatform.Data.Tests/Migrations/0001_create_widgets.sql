CREATE TABLE widgets (id text PRIMARY KEY);
