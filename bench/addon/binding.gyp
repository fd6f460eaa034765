{
  "targets": [{
    "target_name": "bare",
    "sources": ["bare.c"],
    "defines": ["NAPI_VERSION=8"],
    "cflags": ["-Wall", "-Wextra", "-O2"]
  }]
}
