"""学号: each school's own number for its pupils (seed 004, DOMAIN School numbers)."""
