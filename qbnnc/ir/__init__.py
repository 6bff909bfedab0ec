"""The dataflow IR: the network's graph once, the training set as data (passes live in
`qbnnc.passes`)."""
