"""The views several services keep of what other services publish: the inspection as scheduled, evidence items
as they stand, the citation rule, the LSCB register, and who takes part in (and so reads) an inspection. One
fold each, tolerant of order."""
