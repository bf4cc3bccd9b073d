# Builds the project under test inside the toolchain image, once per variant:
#   plain    the project as it is (mitigations `none` and `preload` use it);
#   promote  the build command with `--features FEATURE` (the library's own fix).
# Each variant is a copy of the sources in VARIANTS/VARIANT/src (the project and
# the path dependencies outside it, in their relative layout), built in place (so rpaths and relative paths in the user's commands stay true at run time), with its
# target/ folder kept in a cache mount between builds. Then, in the same copy: the built-in
# `linked` loaders (linked against the library) and the user's own host programs. At the end the
# copies, without cargo's intermediate files, move to the hand-over folder for the runtime stage.
# Input: project.json in the sources folder (written by the harness from plan/project-build.ts).
# Output: the copies in the hand-over folder, and project-manifest.json there: the toolchain's
# facts and each variant's library, project folder, exports and linked loaders (manifest.py).
# Runs on every Python 3 the environments have: no newer syntax.
import fcntl
import glob
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from manifest import exports, layout  # noqa: E402  (beside this script in the image: layout.env's reader, nm's exports)

LAYOUT = layout()
SRC = LAYOUT["DLMATRIX_SRC"]
VARIANTS = LAYOUT["DLMATRIX_VARIANTS"]
OUT = LAYOUT["DLMATRIX_OUT"]
SCRIPTS = LAYOUT["DLMATRIX_SCRIPTS"]
PROJECT_MANIFEST = os.path.join(OUT, "project-manifest.json")
# What cargo keeps under target/PROFILE that a program never loads at run time.
INTERMEDIATE = {"deps", "build", "incremental", ".fingerprint", "examples", ".cargo-lock"}


class BuildError(Exception):
    pass


def say(text):
    sys.stdout.write("== dlmatrix: %s\n" % text)
    sys.stdout.flush()


def shell(command, cwd, env, what):
    say("%s: %s" % (what, command))
    code = subprocess.call(["sh", "-c", command], cwd=cwd, env=env)
    if code != 0:
        raise BuildError("%s failed (exit %d): %s" % (what, code, command))


def find_library(project, configured):
    if configured:
        path = os.path.join(project, configured)
        if not os.path.isfile(path):
            found = candidates(project)
            raise BuildError("project.library %s does not exist after the build%s" % (
                configured, "; the build left: " + ", ".join(found) if found else ""))
        return path
    found = candidates(project)
    if len(found) == 1:
        return os.path.join(project, found[0])
    if not found:
        raise BuildError("the build left no cdylib (target/*/lib*.so): check crate-type = [\"cdylib\"], or set project.library")
    raise BuildError("the build left several cdylibs (%s): say which one with project.library" % ", ".join(found))


def candidates(project):
    paths = glob.glob(os.path.join(project, "target", "*", "lib*.so")) + \
        glob.glob(os.path.join(project, "target", "*", "*", "lib*.so"))
    return sorted(os.path.relpath(p, project) for p in paths
                  if os.path.basename(os.path.dirname(p)) not in INTERMEDIATE)


def manifest(*args):
    """Adds to the project stage's part of the manifest (merged in the runtime stage)."""
    env = dict(os.environ, DLMATRIX_MANIFEST_FILE=PROJECT_MANIFEST)
    subprocess.check_call([sys.executable, os.path.join(SCRIPTS, "manifest.py")] + list(args), env=env)


def libpython_dir():
    """The folder of the toolchain's shared libpython (its manifest says), for the linker only."""
    with open(LAYOUT["DLMATRIX_MANIFEST"]) as handle:
        libpython = json.load(handle)["python"]["libpython"]
    return os.path.dirname(libpython["path"]) if libpython["kind"] == "shared" else None


def build_linked_loaders(config, variant, library, bin_dir):
    """The built-in `linked` loaders: executables that name the library at link time."""
    lib_dir, lib_file = os.path.split(library)
    # The linker checks the library's own needs (libpython) when it links an executable; a
    # libpython off the loader's path (a standalone Python) is shown to it with -rpath-link,
    # which records nothing in the executable: at run time it is found, or not, as any host's.
    python_dir = libpython_dir()
    rpath_link = ("-Wl,-rpath-link,%s" % python_dir) if python_dir else ""
    entry, kind = config["entry"], config["entryKind"]
    if config["linked"] and entry not in exports(library):
        # The matrix names an entry the library does not export: the harness reports that at
        # `entry:` from the manifest's exports; linking would only fail less clearly here.
        say("the library exports no %s: the linked loaders are not built" % entry)
        return
    if "c" in config["linked"]:
        program = os.path.join(bin_dir, "loader-c-linked")
        shell("gcc -O1 -Wall -o %s -DENTRY=%s -DENTRY_KIND_%s %s/linked.c -L%s -l:%s -Wl,-rpath,%s %s" % (
            program, entry, kind.upper(), SRC + "/linked", lib_dir, lib_file, lib_dir, rpath_link),
            bin_dir, os.environ, "linking the C loader")
        manifest("linked", variant, "c", program)
    if "rust" in config["linked"]:
        name = lib_file[3:-3] if lib_file.startswith("lib") and lib_file.endswith(".so") else None
        if name is None:
            raise BuildError("the Rust linked loader needs a library named libNAME.so, not %s" % lib_file)
        with open(os.path.join(SRC, "linked", "linked.rs")) as template:
            source = template.read().replace("ENTRY", entry).replace("KIND", kind)
        path = os.path.join(bin_dir, "linked.rs")
        with open(path, "w") as handle:
            handle.write(source)
        program = os.path.join(bin_dir, "loader-rust-linked")
        shell("rustc -O -o %s %s -L %s -l dylib=%s -C link-arg=-Wl,-rpath,%s%s" % (
            program, path, lib_dir, name, lib_dir, (" -C link-arg=" + rpath_link) if rpath_link else ""),
            bin_dir, os.environ, "linking the Rust loader")
        os.unlink(path)
        manifest("linked", variant, "rust", program)


def keep_outputs(cache_target, project_target, library):
    """target/ without cargo's intermediate files: what the host programs load at run time."""
    os.makedirs(project_target)
    for root, dirs, files in os.walk(cache_target):
        dirs[:] = [d for d in dirs if d not in INTERMEDIATE]
        relative = os.path.relpath(root, cache_target)
        dest = os.path.normpath(os.path.join(project_target, relative))
        if not os.path.isdir(dest):
            os.makedirs(dest)
        for name in files:
            if name not in INTERMEDIATE:
                shutil.copy2(os.path.join(root, name), os.path.join(dest, name), follow_symlinks=True)
    # A library configured inside an intermediate folder is kept too.
    if library.startswith(project_target + os.sep) and not os.path.exists(library):
        relative = os.path.relpath(library, project_target)
        os.makedirs(os.path.dirname(library), exist_ok=True)
        shutil.copy2(os.path.join(cache_target, relative), library)


def build_variant(config, variant, cache_key, cache_root, python):
    name = variant["name"]
    root = os.path.join(VARIANTS, name)
    sources = os.path.join(root, "src")
    project = os.path.normpath(os.path.join(sources, config["projectDir"]))
    bin_dir = os.path.join(root, "bin")
    os.makedirs(bin_dir)
    shutil.copytree(os.path.join(SRC, "project"), sources, symlinks=True)
    # One target folder for every variant: the fixed variant differs by a feature, so cargo reuses
    # everything else (PyO3 and the rest) compiled for the plain one, instead of building it all
    # twice. Each variant's outputs are copied out right after its own build.
    cache_target = os.path.join(cache_root, cache_key, "target")
    if not os.path.isdir(cache_target):
        os.makedirs(cache_target)
    target = os.path.join(project, "target")
    if os.path.lexists(target):
        shutil.rmtree(target)
    # Builds of one cache key never share a target folder at once.
    lock = open(os.path.join(cache_root, cache_key, ".lock"), "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    os.symlink(cache_target, target)
    env = dict(os.environ, PYO3_PYTHON=python, CARGO_TERM_COLOR="never")
    command = config["build"]
    if variant.get("features"):
        command = "%s --features %s" % (command, variant["features"])
    shell(command, project, env, "building the %s library" % name)
    library = find_library(project, config.get("library"))
    say("library (%s): %s" % (name, library))
    build_linked_loaders(config, name, library, bin_dir)
    failed = {}
    for loader in config["loaders"]:
        if loader.get("build"):
            failure = build_host(loader, project, env)
            if failure:
                failed[loader["name"]] = failure
    os.unlink(target)
    keep_outputs(cache_target, target, library)
    lock.close()
    # Where the harness finds them at run time ({library}, and the folder host programs run in).
    manifest("variant", name, library, project, ",".join(loader["name"] for loader in config["loaders"] if loader["name"] not in failed))
    if failed:
        manifest("set", "variants.%s.failedHosts" % name, json.dumps(failed), "--json")


def build_host(loader, project, env):
    """
    Builds one of the user's host programs. One that does not build (a host linked against a
    library whose libpython the linker cannot find, say) is a build error of its own cells only:
    the library and the other loaders still run. Returns what the harness reports, or None.
    """
    command = loader["build"]
    say("building host program %s: %s" % (loader["name"], command))
    process = subprocess.Popen(["sh", "-c", command], cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    tail = []
    for raw in iter(process.stdout.readline, b""):
        line = raw.decode("utf-8", "replace")
        sys.stdout.write(line)
        tail.append(line)
        del tail[:-200]
    sys.stdout.flush()
    code = process.wait()
    if code == 0:
        return None
    say("host program %s did not build (exit %d): its cells are build errors, the rest runs" % (loader["name"], code))
    return {"command": command, "exit": code, "output": "".join(tail)[-16000:]}


def main():
    cache_key, cache_root = sys.argv[1], sys.argv[2]
    with open(os.path.join(SRC, "project.json")) as handle:
        config = json.load(handle)
    python = LAYOUT["DLMATRIX_PYTHON"]
    manifest("set", "rustc", subprocess.check_output(["rustc", "--version"]).decode().strip())
    manifest("set", "cargo", subprocess.check_output(["cargo", "--version"]).decode().strip())
    manifest("set", "loaders", json.dumps({"c": os.path.join(LAYOUT["DLMATRIX_BIN"], "loader-c"),
                                          "rust": os.path.join(LAYOUT["DLMATRIX_BIN"], "loader-rust")}), "--json")
    try:
        for variant in config["variants"]:
            build_variant(config, variant, cache_key, cache_root, python)
    except BuildError as exc:
        sys.stdout.write("DLMATRIX-BUILD-ERROR: %s\n" % exc)
        sys.exit(1)
    shutil.move(VARIANTS, os.path.join(OUT, "variants"))


if __name__ == "__main__":
    main()
