select * from (values (1, 'S1', 10.0, 'a'), (2, 'S1', null, '<script>alert(1)</script>'), (2, 'S2', -3.0, 'b'), (3, 'S3', 5.0, 'c')) t(id, store_id, qty, category)
