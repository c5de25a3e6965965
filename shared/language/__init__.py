"""The shared language: the event contracts and their vocabulary, the programmes (rules as cited data), the
areas of England, working days, finding kinds and the data subjects whose personal text is sealed. What the
inspectorates' words mean, once for every service."""
