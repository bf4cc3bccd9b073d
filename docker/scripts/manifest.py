# Writes the image's manifest (DLMATRIX_MANIFEST, the one file of facts the harness reads; its
# schema is harness/image/contract-schema.ts). Each build step adds what it knows:
#   manifest.py python BUILD REQUEST      the interpreter running this script: version, paths, libpython
#   manifest.py system                    distro, glibc, architecture
#   manifest.py set KEY VALUE [--json]    one field (dotted KEY), a string or a JSON value
#   manifest.py merge FILE                the fields of another JSON object (the project stage's)
#   manifest.py variant NAME LIBRARY PROJECT HOSTS   a built library variant, its exports read with nm
#   manifest.py ready STAGE               the image is complete: stage and status
#   manifest.py skip STAGE REASON         the environment cannot exist (its cells are skipped)
# Runs on every Python 3 the environments have (3.6+): no newer syntax.
import json
import os
import platform
import shutil
import subprocess
import sys
import sysconfig

SCHEMA_VERSION = 1


def layout():
    values = {}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "layout.env")) as handle:
        for line in handle:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                name, value = line.split("=", 1)
                values[name] = value
    return values


# The project stage writes its part beside its outputs; the runtime stage merges it.
MANIFEST = os.environ.get("DLMATRIX_MANIFEST_FILE") or layout()["DLMATRIX_MANIFEST"]


def load():
    try:
        with open(MANIFEST) as handle:
            return json.load(handle)
    except (IOError, OSError, ValueError):
        return {"schema": SCHEMA_VERSION}


def save(manifest):
    manifest["schema"] = SCHEMA_VERSION
    temporary = MANIFEST + ".tmp"
    with open(temporary, "w") as handle:
        json.dump(manifest, handle, indent=2, sort_keys=True)
        handle.write("\n")
    os.rename(temporary, MANIFEST)


def put(manifest, key, value):
    node = manifest
    parts = key.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def default_library_dirs():
    arch = sysconfig.get_config_var("MULTIARCH") or ""
    dirs = ["/lib", "/usr/lib"]
    if arch:
        dirs += ["/lib/" + arch, "/usr/lib/" + arch]
    return dirs


def on_loader_path(soname):
    """True when ld.so finds the soname without an rpath or LD_LIBRARY_PATH."""
    try:
        cache = subprocess.check_output(["ldconfig", "-p"], stderr=subprocess.DEVNULL).decode("utf-8", "replace")
        if (" " + soname + " ") in cache:
            return True
    except (OSError, subprocess.CalledProcessError):
        pass
    return any(os.path.exists(os.path.join(d, soname)) for d in default_library_dirs())


def python_facts(build, request):
    get = sysconfig.get_config_var
    executable = os.path.realpath(sys.executable)
    libdir = get("LIBDIR") or ""
    facts = {
        "request": request,
        "build": build,
        "version": platform.python_version(),
        "executable": executable,
        "prefix": sys.prefix,
        "onPath": bool(shutil.which("python3")) and os.path.realpath(shutil.which("python3")) == executable,
    }
    soname = get("INSTSONAME") or ""
    # A static-only build names its libpython3.X.a here too.
    if ".so" in soname:
        path = os.path.join(libdir, soname)
        if not os.path.exists(path):
            # Debian's multiarch layout puts it beside LIBDIR.
            for folder in default_library_dirs():
                if os.path.exists(os.path.join(folder, soname)):
                    path = os.path.join(folder, soname)
                    break
        facts["libpython"] = {"kind": "shared", "path": path, "soname": soname, "onLoaderPath": on_loader_path(soname)}
    else:
        static = os.path.join(libdir, get("LIBRARY") or "libpython%d.%d.a" % sys.version_info[:2])
        facts["libpython"] = {"kind": "static", "path": static}
    return facts


def system_facts():
    release = {}
    with open("/etc/os-release") as handle:
        for line in handle:
            if "=" in line:
                name, value = line.rstrip("\n").split("=", 1)
                release[name] = value.strip('"')
    return {
        "distro": {"id": release.get("ID", "unknown"), "codename": release.get("VERSION_CODENAME", ""),
                   "name": release.get("PRETTY_NAME", "unknown")},
        "glibc": os.confstr("CS_GNU_LIBC_VERSION").split()[-1],
        "arch": platform.machine(),
    }


def exports(library):
    """The library's exported function symbols (nm -D: T entries)."""
    output = subprocess.check_output(["nm", "-D", "--defined-only", library]).decode("utf-8", "replace")
    names = set()
    for line in output.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] in ("T", "i"):
            names.add(fields[2].split("@")[0])
    return sorted(names)


def merge(into, part):
    for key, value in part.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = value


def main(argv):
    command, args = argv[0], argv[1:]
    manifest = load()
    if command == "python":
        manifest["python"] = dict(manifest.get("python", {}), **python_facts(args[0], args[1]))
    elif command == "system":
        manifest.update(system_facts())
    elif command == "set":
        value = json.loads(args[1]) if "--json" in args[2:] else args[1]
        put(manifest, args[0], value)
    elif command == "merge":
        with open(args[0]) as handle:
            merge(manifest, json.load(handle))
    elif command == "variant":
        name, library, project, hosts = args[0], args[1], args[2], args[3]
        put(manifest, "variants." + name, {
            "library": library, "project": project, "exports": exports(library),
            "linked": manifest.get("variants", {}).get(name, {}).get("linked", {}),
            "hosts": [h for h in hosts.split(",") if h],
        })
    elif command == "linked":
        put(manifest, "variants.%s.linked.%s" % (args[0], args[1]), args[2])
    elif command == "ready":
        if manifest.get("status") != "skipped":
            manifest["stage"], manifest["status"] = args[0], "ready"
    elif command == "skip":
        manifest["stage"], manifest["status"], manifest["skipReason"] = args[0], "skipped", args[1]
    else:
        sys.exit("manifest.py: unknown command %s" % command)
    save(manifest)


if __name__ == "__main__":
    main(sys.argv[1:])
