"""The LSCB service's domain, pure and without I/O: `evaluation` decides the inspectorates' shared
evaluation of the Local Safeguarding Children Board of one inspection (stream `lscb-evaluation-{id}`);
`board_register` keeps one area's board register, its officers, their absences and its partners (stream
`board-{area code}`). The evidence an evaluation cites keeps the rules of shared/views/cited_evidence.py."""
