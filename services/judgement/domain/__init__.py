"""Judgement's domain, pure and without I/O: `findings` records the key strengths and recommendations of
an inspection (stream `findings-{id}`); `judgements` decides its graded and narrative judgements and their
moderation to final (stream `judgements-{id}`), applying the programme's `limiting` rules. The evidence they
cite keeps the rules of shared/views/cited_evidence.py."""
