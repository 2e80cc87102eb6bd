//go:build linux

package linuxns

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseCgroups(t *testing.T) {
	for _, tc := range []struct {
		name      string
		mountinfo string
		own       string
		v2ctrl    string
		want      *cgroupLayout
	}{{
		name: "v1 with an empty v2 tree (this kind of host)",
		mountinfo: `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw`,
		own: "9:name=systemd:/\n8:pids:/\n6:freezer:/\n4:memory:/process_api/abc\n2:cpuacct:/\n1:cpu:/\n0::/\n",
		want: &cgroupLayout{hierarchies: []hierarchy{
			{mountpoint: "/sys/fs/cgroup/cpu", own: "/sys/fs/cgroup/cpu", controllers: []string{"cpu"}},
			{mountpoint: "/sys/fs/cgroup/memory", own: "/sys/fs/cgroup/memory/process_api/abc", controllers: []string{"memory"}},
			{mountpoint: "/sys/fs/cgroup/pids", own: "/sys/fs/cgroup/pids", controllers: []string{"pids"}},
		}},
	}, {
		name:      "pure v2 under systemd",
		mountinfo: `30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot`,
		own:       "0::/system.slice/gust.service\n",
		v2ctrl:    "cpuset cpu io memory hugetlb pids rdma misc\n",
		want: &cgroupLayout{v2: true, hierarchies: []hierarchy{
			{mountpoint: "/sys/fs/cgroup", own: "/sys/fs/cgroup/system.slice/gust.service", controllers: []string{"cpu", "memory", "pids"}},
		}},
	}, {
		name: "v1 in a container without a cgroup namespace, cpu co-mounted",
		mountinfo: `50 40 0:40 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory
51 40 0:41 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct
52 40 0:42 /docker/abc /sys/fs/cgroup/pids ro,nosuid - cgroup cgroup rw,pids`,
		own: "5:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc/sub\n2:pids:/elsewhere\n",
		want: &cgroupLayout{hierarchies: []hierarchy{
			{mountpoint: "/sys/fs/cgroup/memory", own: "/sys/fs/cgroup/memory", controllers: []string{"memory"}},
			{mountpoint: "/sys/fs/cgroup/cpu,cpuacct", own: "/sys/fs/cgroup/cpu,cpuacct/sub", controllers: []string{"cpu"}},
			{mountpoint: "/sys/fs/cgroup/pids", own: "/sys/fs/cgroup/pids", controllers: []string{"pids"}},
		}},
	}, {
		name:      "escaped mount point",
		mountinfo: `30 23 0:26 / /sys/fs/my\040cgroup rw - cgroup2 cgroup2 rw`,
		own:       "0::/\n",
		v2ctrl:    "memory pids\n",
		want: &cgroupLayout{v2: true, hierarchies: []hierarchy{
			{mountpoint: "/sys/fs/my cgroup", own: "/sys/fs/my cgroup", controllers: []string{"memory", "pids"}},
		}},
	}, {
		name:      "v2 without the memory controller",
		mountinfo: `30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw`,
		own:       "0::/\n",
		v2ctrl:    "cpu pids\n",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseCgroups([]byte(tc.mountinfo), []byte(tc.own), func(string) ([]byte, error) {
				if tc.v2ctrl == "" {
					return nil, errors.New("no controllers")
				}
				return []byte(tc.v2ctrl), nil
			})
			if tc.want == nil {
				if err == nil {
					t.Fatalf("got %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestSeccompFilterAssembles(t *testing.T) {
	prog, err := seccompFilter()
	if err != nil {
		t.Fatal(err)
	}
	if len(prog) < len(nativeSyscalls.denied)+10 {
		t.Errorf("filter has only %d instructions", len(prog))
	}
}
