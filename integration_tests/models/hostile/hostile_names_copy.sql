-- the compared side of the reconcile tests: the same rows under the same hostile names
{{ hostile_rows() }}
