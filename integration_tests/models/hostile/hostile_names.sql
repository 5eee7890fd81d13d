-- every test pointed at these names and values must read them as names and values only
{{ hostile_rows() }}
