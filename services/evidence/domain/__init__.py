"""Evidence's domain, pure and without I/O. Three kinds of stream, each folded into its own state: an
inspection's `evidence_file` (its case samples, the close of evidence gathering and its cases' erasure),
each `evidence_item` (recorded, amended, withdrawn) and each line of enquiry (`lines_of_enquiry`: raised,
answered, closed). Each item and each line is its own stream, so inspectors recording at the same time
never conflict. What they all check against the inspection as this service knows it - who takes part, the
lead, the agencies inspected, the programme's criteria - is `inspection`.

Every refusal cites the programme's own rule (its `[rules]`: `evidence_gathering`, `shared_sample`,
`own_samples`, `joint_audit`, `lines_of_enquiry`), or the domain brief for the platform's own."""
