// The Slurm side of `satlm sweep --slurm` without a cluster: the batch script's text, the array
// syntax, the checks of the options, and the parsers of squeue and scontrol output (their real
// formats, as Slurm 22.05 prints them). The cluster itself is the tests/slurm tier.

#include "sweep/slurm.h"
#include "tlm/report.h"

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

using namespace satlm;

namespace {

slurm_request request() {
    slurm_request r;
    r.satlm = "/opt/satlm/bin/satlm";
    r.sweep_file = "/home/me/it's.toml";
    r.out = "/scratch/me/results";
    r.tasks = 4;
    r.shards = {0, 1, 2, 3};
    return r;
}

std::string error_of(const slurm_request& r) {
    try {
        check_slurm_request(r);
    } catch (const input_error& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_CASE(array_spec_joins_runs) {
    BOOST_TEST(slurm_array_spec({0, 1, 2, 3}) == "0-3");
    BOOST_TEST(slurm_array_spec({0, 3}) == "0,3");
    BOOST_TEST(slurm_array_spec({1, 2, 5, 7, 8, 9}) == "1-2,5,7-9");
    BOOST_TEST(slurm_array_spec({6}) == "6");
}

BOOST_AUTO_TEST_CASE(script_runs_one_shard_per_array_task) {
    slurm_request r = request();
    r.partition = "cpu";
    r.time = "2:00:00";
    r.mem = "4G";
    r.cpus = 3;
    r.sbatch_args = {"--account=proj"};
    const std::string s = slurm_script(r);
    BOOST_TEST(s.rfind("#!/bin/bash\n", 0) == 0);
    for (const char* line : {"#SBATCH --array=0-3\n", "#SBATCH --output=/scratch/me/results/logs/shard-%a-of-4.job-%A.log\n",
                             "#SBATCH --partition=cpu\n", "#SBATCH --time=2:00:00\n", "#SBATCH --mem=4G\n",
                             "#SBATCH --cpus-per-task=3\n", "#SBATCH --account=proj\n"})
        BOOST_TEST(contains(s, line), line);
    // Absolute paths, the quote in the file name escaped for bash, N fixed in --shard.
    BOOST_TEST(contains(s, "exec '/opt/satlm/bin/satlm' sweep '/home/me/it'\\''s.toml' --shard \"$shard/4\" "
                           "--out '/scratch/me/results'/shard-\"$shard\"-of-4 --jobs \"${SLURM_CPUS_PER_TASK:-1}\"\n"));
    // Every #SBATCH line comes before the first command (sbatch stops reading them there).
    BOOST_TEST(s.rfind("#SBATCH") < s.find("\nset -u"));
    r.shards = {1, 3};
    BOOST_TEST(contains(slurm_script(r), "#SBATCH --array=1,3\n"));
    BOOST_TEST(contains(slurm_script(r), "--shard \"$shard/4\""));
}

BOOST_AUTO_TEST_CASE(job_name_depends_on_folder_and_n) {
    slurm_request a = request(), b = request(), c = request();
    b.tasks = 5;
    c.out = "/scratch/me/other";
    BOOST_TEST(slurm_job_name(a) == slurm_job_name(request()));
    BOOST_TEST(slurm_job_name(a) != slurm_job_name(b));
    BOOST_TEST(slurm_job_name(a) != slurm_job_name(c));
    BOOST_TEST(slurm_job_name(a).rfind("satlm-its-", 0) == 0);
}

BOOST_AUTO_TEST_CASE(options_slurm_would_refuse_are_named) {
    BOOST_TEST(error_of(request()).empty());
    auto with = [](auto change) {
        slurm_request r = request();
        change(r);
        return error_of(r);
    };
    BOOST_TEST(contains(with([](slurm_request& r) { r.time = "soon"; }), "--time soon"));
    BOOST_TEST(with([](slurm_request& r) { r.time = "1-12:30"; }).empty());
    BOOST_TEST(with([](slurm_request& r) { r.time = "90"; }).empty());
    BOOST_TEST(contains(with([](slurm_request& r) { r.mem = "2X"; }), "--mem 2X"));
    BOOST_TEST(with([](slurm_request& r) { r.mem = "500M"; }).empty());
    BOOST_TEST(contains(with([](slurm_request& r) { r.partition = "a b"; }), "--partition"));
    BOOST_TEST(contains(with([](slurm_request& r) { r.sbatch_args = {"--array=0-9"}; }), "sets this option itself"));
    BOOST_TEST(contains(with([](slurm_request& r) { r.sbatch_args = {"-o/tmp/x"}; }), "sets this option itself"));
    BOOST_TEST(contains(with([](slurm_request& r) { r.sbatch_args = {"account"}; }), "--sbatch-arg account"));
    BOOST_TEST(contains(with([](slurm_request& r) { r.sbatch_args = {"--x\n#SBATCH --y"}; }), "--sbatch-arg"));
    BOOST_TEST(with([](slurm_request& r) { r.sbatch_args = {"--qos=short", "-A proj"}; }).empty());
    BOOST_TEST(contains(with([](slurm_request& r) { r.out = "/scratch/my results"; }), "--out"));
    BOOST_TEST(contains(with([](slurm_request& r) { r.out = "/scratch/100%"; }), "--out"));
}

BOOST_AUTO_TEST_CASE(squeue_lines_expand_pending_ranges) {
    // `squeue -h -r -o "%F %K %T"`: running tasks one per line, pending ones possibly grouped.
    const auto t = parse_squeue_tasks("17 0 RUNNING\n17 1 COMPLETING\n17 2-3 PENDING\n\n18 5 PENDING\n");
    BOOST_REQUIRE(t.size() == 5u);
    BOOST_TEST(t[0].job == "17");
    BOOST_TEST(t[0].task == 0u);
    BOOST_TEST(t[0].state == "RUNNING");
    BOOST_TEST(t[3].task == 3u);
    BOOST_TEST(t[3].state == "PENDING");
    BOOST_TEST(t[4].job == "18");
    BOOST_TEST(t[4].task == 5u);
}

BOOST_AUTO_TEST_CASE(scontrol_lines_give_state_and_exit_code) {
    const std::string text =
        "JobId=21 ArrayJobId=17 ArrayTaskId=3 JobName=satlm-s-1 UserId=root(0) JobState=FAILED Reason=NonZeroExitCode "
        "Dependency=(null) ExitCode=2:0 RunTime=00:00:01\n"
        "JobId=17 ArrayJobId=17 ArrayTaskId=0 JobName=satlm-s-1 JobState=FAILED Reason=NonZeroExitCode ExitCode=0:9\n"
        "JobId=18 ArrayJobId=17 ArrayTaskId=1 JobName=satlm-s-1 JobState=COMPLETED Reason=None ExitCode=0:0\n"
        "JobId=30 JobName=plain JobState=COMPLETED ExitCode=0:0\n";
    const auto t = parse_scontrol_tasks(text);
    BOOST_REQUIRE(t.size() == 3u);
    BOOST_TEST(t[0].task == 3u);
    BOOST_TEST(t[0].state == "FAILED");
    BOOST_TEST(t[0].exit_code == "2:0");
    BOOST_TEST(t[1].exit_code == "0:9");
    BOOST_TEST(t[2].state == "COMPLETED");
    BOOST_TEST(parse_scontrol_tasks("JobId=40 ArrayJobId=40 ArrayTaskId=4-6%2 JobState=PENDING ExitCode=0:0").size() == 3u);
}

BOOST_AUTO_TEST_CASE(programs_run_without_a_shell) {
    const auto r = run_program({"sh", "-c", "echo out; echo err >&2; exit 3"});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.out == "out\n");
    BOOST_TEST(r.err == "err\n");
    const auto missing = run_program({"satlm-no-such-program"});
    BOOST_TEST(missing.exit_code == 127);
    BOOST_TEST(find_on_path("satlm-no-such-program").empty());
    BOOST_TEST(!find_on_path("sh").empty());
}

BOOST_AUTO_TEST_CASE(newest_log_and_its_tail) {
    namespace fs = std::filesystem;
    const fs::path out = fs::temp_directory_path() / ("satlm-slurm-unit-" + std::to_string(::getpid()));
    fs::create_directories(out / "logs");
    for (const char* name : {"shard-2-of-4.job-9.log", "shard-2-of-4.job-10.log", "shard-2-of-40.job-99.log",
                             "shard-1-of-4.job-11.log"}) {
        std::ofstream(out / "logs" / name) << "a\nprogress\r[###.] 1/2\r[####] 2/2\nb\nlast\n";
    }
    BOOST_TEST(fs::path(slurm_newest_log(out.string(), 2, 4)).filename() == "shard-2-of-4.job-10.log");
    BOOST_TEST(slurm_newest_log(out.string(), 3, 4).empty());
    BOOST_TEST(tail_lines(slurm_newest_log(out.string(), 2, 4), 3) == "[####] 2/2\nb\nlast\n");
    fs::remove_all(out);
}
