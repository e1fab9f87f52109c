-- Authors are listed by name; the id breaks ties between equal names.
CREATE INDEX authors_name ON authors(name, id);
