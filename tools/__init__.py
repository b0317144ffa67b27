"""Benchmark, load-test and test helpers. The product (src/rivalry) never imports them."""
