{
  "targets": [{
    "target_name": "dualmode",
    "sources": ["native/dualmode.cc", "native/watcher.cc"],
    "include_dirs": ["<!(node -p \"try { require('node-addon-api').include_dir } catch { 'native/node-addon-api' }\")"],
    "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
    "cflags_cc": ["-Wall", "-Wextra", "-O2", "-fvisibility=hidden"],
    "conditions": [
      ["OS=='win'", {"sources": ["native/platform_win.cc"], "libraries": ["ws2_32.lib"]},
                    {"sources": ["native/platform_unix.cc"]}],
      ["OS=='mac'", {"xcode_settings": {"MACOSX_DEPLOYMENT_TARGET": "10.15",
                                        "OTHER_CFLAGS": ["-Wall", "-Wextra"],
                                        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES"}}]
    ]
  }]
}
