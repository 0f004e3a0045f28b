CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (
  id serial PRIMARY KEY,
  author_id integer NOT NULL REFERENCES authors(id),
  title text NOT NULL,
  body text NOT NULL,
  published boolean NOT NULL DEFAULT false
);
CREATE INDEX posts_author ON posts(author_id);
