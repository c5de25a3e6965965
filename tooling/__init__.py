"""Tools for the people who build and release the platform, never imported by a running service:
`contract/` generates the published contract and checks that it still reads what was published."""
