"""Running instances: state codec, the command pipeline and the projections it keeps."""
