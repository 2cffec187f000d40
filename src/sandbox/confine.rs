//! The confinement layers applied to a run besides namespaces: the seccomp filters (a
//! deny-list answering EPERM, and clone3 answering ENOSYS so libc falls back to clone,
//! whose flags the first filter can see), the Landlock ruleset of the fallback, the
//! rlimits, and the user id each workspace runs as when the service is root.
//!
//! What runs between fork and exec (`in_child`) only makes raw system calls: no
//! allocation, no locks. Nothing here may ever add a permission a caller did not ask for.

use super::Limits;
use landlock::{
    ABI, Access, AccessFs, AccessNet, CompatLevel, Compatible, Ruleset, RulesetAttr,
    RulesetCreatedAttr, Scope, path_beneath_rules,
};
use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule, TargetArch,
};
use std::collections::BTreeMap;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::PathBuf;
use std::sync::Mutex;

/// Namespace flags of clone(2); a run may not create namespaces of its own.
const CLONE_NAMESPACES: [u64; 7] = [
    libc::CLONE_NEWNS as u64,
    libc::CLONE_NEWCGROUP as u64,
    libc::CLONE_NEWUTS as u64,
    libc::CLONE_NEWIPC as u64,
    libc::CLONE_NEWUSER as u64,
    libc::CLONE_NEWPID as u64,
    libc::CLONE_NEWNET as u64,
];

/// Calls a run never needs, each refused with EPERM: debugging other processes,
/// mounting and namespaces, kernel keys, BPF, perf, userfaultfd, kexec and modules,
/// io_uring (which bypasses this filter), and anything below.
const DENIED: &[i64] = &[
    libc::SYS_ptrace,
    libc::SYS_process_vm_readv,
    libc::SYS_process_vm_writev,
    libc::SYS_mount,
    libc::SYS_umount2,
    libc::SYS_pivot_root,
    libc::SYS_chroot,
    libc::SYS_unshare,
    libc::SYS_setns,
    libc::SYS_keyctl,
    libc::SYS_add_key,
    libc::SYS_request_key,
    libc::SYS_bpf,
    libc::SYS_perf_event_open,
    libc::SYS_userfaultfd,
    libc::SYS_kexec_load,
    libc::SYS_kexec_file_load,
    libc::SYS_init_module,
    libc::SYS_finit_module,
    libc::SYS_delete_module,
    libc::SYS_io_uring_setup,
    libc::SYS_io_uring_enter,
    libc::SYS_io_uring_register,
    libc::SYS_open_by_handle_at,
    libc::SYS_name_to_handle_at,
    libc::SYS_fsopen,
    libc::SYS_fsmount,
    libc::SYS_fsconfig,
    libc::SYS_move_mount,
    libc::SYS_open_tree,
    libc::SYS_swapon,
    libc::SYS_swapoff,
    libc::SYS_reboot,
    libc::SYS_syslog,
    libc::SYS_acct,
    libc::SYS_quotactl,
    libc::SYS_iopl,
    libc::SYS_ioperm,
    libc::SYS_sethostname,
    libc::SYS_setdomainname,
];

/// The two seccomp programs every run gets, compiled once.
#[derive(Debug)]
pub struct Filters {
    pub deny: BpfProgram,
    pub no_clone3: BpfProgram,
}

impl Filters {
    pub fn compile() -> Result<Filters, String> {
        let arch = TargetArch::try_from(std::env::consts::ARCH).map_err(|e| e.to_string())?;
        let mut rules: BTreeMap<i64, Vec<SeccompRule>> =
            DENIED.iter().map(|&nr| (nr, Vec::new())).collect();
        // Only Unix sockets: no IPv4, IPv6, netlink, packet or any other family.
        rules.insert(
            libc::SYS_socket,
            vec![rule(0, SeccompCmpOp::Ne, libc::AF_UNIX as u64)?],
        );
        rules.insert(
            libc::SYS_clone,
            CLONE_NAMESPACES
                .iter()
                .map(|&flag| rule(0, SeccompCmpOp::MaskedEq(flag), flag))
                .collect::<Result<_, _>>()?,
        );
        let deny = SeccompFilter::new(
            rules,
            SeccompAction::Allow,
            SeccompAction::Errno(libc::EPERM as u32),
            arch,
        )
        .and_then(BpfProgram::try_from)
        .map_err(|e| e.to_string())?;
        let no_clone3 = SeccompFilter::new(
            BTreeMap::from([(libc::SYS_clone3, Vec::new())]),
            SeccompAction::Allow,
            SeccompAction::Errno(libc::ENOSYS as u32),
            arch,
        )
        .and_then(BpfProgram::try_from)
        .map_err(|e| e.to_string())?;
        Ok(Filters { deny, no_clone3 })
    }

    /// A program as the bytes of `struct sock_filter[]` (what `bwrap --seccomp` reads).
    pub fn bytes(program: &BpfProgram) -> Vec<u8> {
        let mut out = Vec::with_capacity(program.len() * 8);
        for f in program {
            out.extend_from_slice(&f.code.to_ne_bytes());
            out.push(f.jt);
            out.push(f.jf);
            out.extend_from_slice(&f.k.to_ne_bytes());
        }
        out
    }

    /// The programs as the kernel's type, ready for `in_child`.
    pub fn raw(&self) -> [Vec<libc::sock_filter>; 2] {
        let convert = |p: &BpfProgram| {
            p.iter()
                .map(|f| libc::sock_filter {
                    code: f.code,
                    jt: f.jt,
                    jf: f.jf,
                    k: f.k,
                })
                .collect()
        };
        [convert(&self.deny), convert(&self.no_clone3)]
    }
}

fn rule(arg: u8, op: SeccompCmpOp, value: u64) -> Result<SeccompRule, String> {
    let condition = SeccompCondition::new(arg, SeccompCmpArgLen::Dword, op, value)
        .map_err(|e| e.to_string())?;
    SeccompRule::new(vec![condition]).map_err(|e| e.to_string())
}

/// Whether this kernel enforces Landlock (filesystem rules at least).
pub fn landlock_available() -> bool {
    // SAFETY: the version query reads no memory (null attr, size 0).
    let abi = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<u8>(),
            0usize,
            1u32, // LANDLOCK_CREATE_RULESET_VERSION
        )
    };
    abi >= 1
}

/// A Landlock ruleset: `read` paths readable and executable, `write` paths fully
/// usable, every TCP bind and connect refused, signals and abstract Unix sockets scoped
/// to the run. Returns the ruleset's file descriptor for `in_child`.
pub fn landlock_ruleset(read: &[PathBuf], write: &[PathBuf]) -> Result<OwnedFd, String> {
    let abi = ABI::V6;
    let existing = |paths: &[PathBuf]| -> Vec<PathBuf> {
        paths.iter().filter(|p| p.exists()).cloned().collect()
    };
    let created = Ruleset::default()
        .set_compatibility(CompatLevel::BestEffort)
        .handle_access(AccessFs::from_all(abi))
        .and_then(|r| r.handle_access(AccessNet::from_all(abi)))
        .and_then(|r| r.scope(Scope::from_all(abi)))
        .and_then(|r| r.create())
        .and_then(|r| r.add_rules(path_beneath_rules(existing(read), AccessFs::from_read(abi))))
        .and_then(|r| r.add_rules(path_beneath_rules(existing(write), AccessFs::from_all(abi))))
        .map_err(|e| e.to_string())?;
    let fd: Option<OwnedFd> = created.into();
    fd.ok_or_else(|| "this kernel does not enforce Landlock".to_string())
}

/// The nice value of every run.
const RUN_NICENESS: libc::c_int = 10;

/// Raw values for `in_child`, prepared before the fork.
pub struct ChildSetup {
    pub rlimits: [(u32, u64, u64); 6],
    pub new_session: bool,
    /// Fork the run under a reaper ([`super::reaper`]); `Some(true)` when the run has a
    /// user id of its own, which the reaper may then kill entirely.
    pub reaper: Option<bool>,
    pub landlock: Option<i32>,
    pub filters: Option<[Vec<libc::sock_filter>; 2]>,
    /// File descriptors to hand to the exec'd program (their close-on-exec cleared).
    pub inherit: Vec<i32>,
}

impl ChildSetup {
    pub fn new(limits: &Limits, processes: u64) -> ChildSetup {
        let cpu = limits.cpu.as_secs() + u64::from(limits.cpu.subsec_nanos() > 0);
        let cpu = cpu.max(1);
        ChildSetup {
            rlimits: [
                // The CPU hard limit sits one second above the soft one, so the program
                // gets SIGXCPU (reported as `CpuLimit`) before the kernel's SIGKILL.
                (libc::RLIMIT_CPU, cpu, cpu + 1),
                (libc::RLIMIT_AS, limits.memory_bytes, limits.memory_bytes),
                (libc::RLIMIT_NPROC, processes, processes),
                (
                    libc::RLIMIT_FSIZE,
                    limits.file_size_bytes,
                    limits.file_size_bytes,
                ),
                (libc::RLIMIT_NOFILE, limits.open_files, limits.open_files),
                (libc::RLIMIT_CORE, 0, 0),
            ],
            new_session: false,
            reaper: None,
            landlock: None,
            filters: None,
            inherit: Vec::new(),
        }
    }

    /// Runs in the forked child before exec: only system calls.
    pub fn in_child(&self) -> std::io::Result<()> {
        let check = |r: libc::c_long| {
            if r < 0 {
                Err(std::io::Error::last_os_error())
            } else {
                Ok(())
            }
        };
        // SAFETY: every call below is a plain system call on values prepared before the
        // fork; nothing allocates or takes a lock.
        unsafe {
            if let Some(kill_user) = self.reaper {
                // Returns in the run only; the reaper stays behind and never returns.
                super::reaper::split(kill_user)?;
            }
            if self.new_session {
                check(libc::setsid() as libc::c_long)?;
            } else if self.reaper.is_some() {
                // A group of the run's own, apart from its reaper's.
                check(libc::setpgid(0, 0) as libc::c_long)?;
            }
            // Runs yield the CPU to the service (which answers members and /healthz).
            libc::setpriority(libc::PRIO_PROCESS, 0, RUN_NICENESS);
            for &fd in &self.inherit {
                check(libc::fcntl(fd, libc::F_SETFD, 0) as libc::c_long)?;
            }
            for &(resource, soft, hard) in &self.rlimits {
                let limit = libc::rlimit {
                    rlim_cur: soft as libc::rlim_t,
                    rlim_max: hard as libc::rlim_t,
                };
                check(libc::setrlimit(resource as _, &limit) as libc::c_long)?;
            }
            check(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) as libc::c_long)?;
            if let Some(fd) = self.landlock {
                check(libc::syscall(libc::SYS_landlock_restrict_self, fd, 0u32))?;
            }
            if let Some(filters) = &self.filters {
                for filter in filters {
                    let program = libc::sock_fprog {
                        len: filter.len() as u16,
                        filter: filter.as_ptr() as *mut libc::sock_filter,
                    };
                    check(libc::prctl(
                        libc::PR_SET_SECCOMP,
                        libc::SECCOMP_MODE_FILTER,
                        &program as *const libc::sock_fprog,
                    ) as libc::c_long)?;
                }
            }
        }
        Ok(())
    }
}

/// User ids for workspaces when the service runs as root: one per live workspace, so
/// RLIMIT_NPROC counts one run's processes (it never applies to root) and the end of a
/// run can kill every process of its user. An id is held by an flock on a file of its
/// own, so two service instances (or test processes) on one machine never share one,
/// and a crashed instance's ids come free with its locks.
#[derive(Debug, Default)]
pub struct Uids {
    held: Mutex<BTreeMap<u32, std::fs::File>>,
}

/// The first of the ids; far above any account a distribution creates.
const UID_BASE: u32 = 1_900_000_000;
const UID_COUNT: u32 = 4096;

/// Where the id locks live (root-only).
fn lock_dir() -> PathBuf {
    let run = std::path::Path::new("/run");
    let base = if run.is_dir() {
        run.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    base.join("interview-coach-sandbox-uids")
}

impl Uids {
    pub fn take(&self) -> Option<u32> {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        let dir = lock_dir();
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .ok()?;
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        for uid in UID_BASE..UID_BASE + UID_COUNT {
            if held.contains_key(&uid) {
                continue;
            }
            let Ok(file) = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .custom_flags(libc::O_NOFOLLOW)
                .open(dir.join(uid.to_string()))
            else {
                continue;
            };
            // SAFETY: flock on a descriptor we own.
            let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
            if locked == 0 {
                held.insert(uid, file);
                return Some(uid);
            }
        }
        None
    }

    pub fn give_back(&self, uid: u32) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.remove(&uid);
    }
}

/// Kills every process running as `uid` (a workspace's own user), from a child that
/// becomes that user and signals all it may (`kill(-1)`), until none is left.
/// Blocking; call from a blocking thread. Only for root services.
pub fn kill_all_of(uid: u32) {
    for _ in 0..50 {
        // SAFETY: the child only makes system calls and exits; the parent waits for it.
        unsafe {
            let pid = libc::fork();
            if pid == 0 {
                if libc::setresgid(uid, uid, uid) == 0 && libc::setresuid(uid, uid, uid) == 0 {
                    libc::kill(-1, libc::SIGKILL);
                }
                libc::_exit(0);
            }
            if pid > 0 {
                let mut status = 0;
                libc::waitpid(pid, &mut status, 0);
            }
        }
        if !any_process_of(uid) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Whether any process of `uid` is still in the process table (zombies included).
pub fn any_process_of(uid: u32) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|entry| {
        entry
            .file_name()
            .to_string_lossy()
            .bytes()
            .all(|b| b.is_ascii_digit())
            && entry.metadata().is_ok_and(|m| m.uid() == uid)
    })
}

/// A pipe whose read end holds `bytes` (written at once; a filter fits a pipe buffer).
pub fn pipe_with(bytes: &[u8]) -> std::io::Result<OwnedFd> {
    use std::io::Write;
    let (reader, mut writer) = std::io::pipe()?;
    writer.write_all(bytes)?;
    drop(writer);
    Ok(reader.into())
}

/// The process table entry count of the service (threads included), for the RLIMIT_NPROC
/// headroom of a non-root service, whose runs share its user.
pub fn own_threads() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Threads:"))
                .and_then(|n| n.trim().parse().ok())
        })
        .unwrap_or(64)
}

pub fn raw(fd: &OwnedFd) -> i32 {
    fd.as_raw_fd()
}

pub fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}
