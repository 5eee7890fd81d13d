-- the hostile names and values again, for the peer tests (see _hostile_peer.yml)
{{ hostile_rows() }}
