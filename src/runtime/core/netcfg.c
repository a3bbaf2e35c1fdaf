/* berth-netcfg - network namespaces and their endpoints, with netlink, in one static process:
 * what `unshare --net=FILE ip -batch -` and `ip -batch -` on the host did (sandbox-manager.ts,
 * sandbox-pool.ts), in one process instead of three dynamically linked ones.
 *
 *   berth-netcfg NSFILE IFNAME MAC ADDRESS/PREFIX [GATEWAY]
 *       A namespace's existing interface gets its endpoint (a pooled sandbox's eth0): the same
 *       requests as iproute2's `link set IF address MAC`, `addr add A/P dev IF`, `link set IF
 *       up` and `route replace default via GW dev IF`.
 *   berth-netcfg make NSFILE LINK...
 *       A new network namespace, bound on NSFILE (an existing file), with lo up and each LINK.
 *   berth-netcfg join NSFILE LINK...
 *       Each LINK added to the namespace bound on NSFILE.
 *
 * LINK is IFNAME,HOSTVETH,BRIDGE,MTU[,MAC,ADDRESS/PREFIX[,GATEWAY]] (MTU 0: the kernel's). A veth
 * pair is made inside the namespace with its peer HOSTVETH in berth-netcfg's own namespace,
 * where HOSTVETH goes on BRIDGE, up. With MAC and ADDRESS the inside end is configured and up
 * (and GATEWAY its default route); without, it stays down and bare, for the pool.
 *
 * Errors: "berth-netcfg: <step> `<object>`: <reason>", exit status 1; whatever was made before
 * the failure stays for the caller to remove (it removes the namespace file and host veths). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

static int nl = -1;
static unsigned seq;

static int fail(const char *step, const char *obj, int err) {
  fprintf(stderr, "berth-netcfg: %s `%s`: %s\n", step, obj, strerror(err));
  return 1;
}

typedef struct {
  struct nlmsghdr h;
  char body[1024];
} req_t;

static void attr(req_t *r, unsigned short type, const void *data, size_t len) {
  struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));
  a->rta_type = type;
  a->rta_len = (unsigned short)RTA_LENGTH(len);
  memcpy(RTA_DATA(a), data, len);
  r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* Opens a nested attribute; close it with nest_end once its members are added. */
static struct rtattr *nest(req_t *r, unsigned short type) {
  struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));
  a->rta_type = type;
  a->rta_len = (unsigned short)RTA_LENGTH(0);
  r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
  return a;
}

static void nest_end(req_t *r, struct rtattr *a) { a->rta_len = (unsigned short)((char *)r + r->h.nlmsg_len - (char *)a); }

/* Send one request and read its acknowledgement: 0, or the kernel's errno. */
static int talk(req_t *r) {
  r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
  r->h.nlmsg_seq = ++seq;
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  if (sendto(nl, r, r->h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) return errno;
  char buf[4096];
  for (;;) {
    ssize_t got = recv(nl, buf, sizeof buf, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    unsigned n = (unsigned)got;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq != r->h.nlmsg_seq || h->nlmsg_type != NLMSG_ERROR) continue;
      const struct nlmsgerr *e = NLMSG_DATA(h);
      return -e->error;
    }
  }
}

/* A fresh request of `type` whose fixed header (`body` bytes) follows; returns that header. */
static void *msg_req(req_t *r, unsigned short type, unsigned short flags, size_t body) {
  memset(r, 0, sizeof *r);
  r->h.nlmsg_len = NLMSG_LENGTH(body);
  r->h.nlmsg_type = type;
  r->h.nlmsg_flags = flags;
  return NLMSG_DATA(&r->h);
}

static void link_req(req_t *r, int index, unsigned flags, unsigned change) {
  struct ifinfomsg *i = msg_req(r, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
  i->ifi_family = AF_UNSPEC;
  i->ifi_index = index;
  i->ifi_flags = flags;
  i->ifi_change = change;
}

/* A netlink socket in the calling thread's current network namespace. */
static int open_netlink(void) {
  if (nl >= 0) close(nl);
  nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  return nl < 0 ? errno : 0;
}

static int parse_mac(const char *s, unsigned char mac[6]) {
  return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5]) == 6 ? 0 : EINVAL;
}

/* "A.B.C.D/P" */
static int parse_cidr(const char *cidr, struct in_addr *addr, int *prefix) {
  char ip[64];
  const char *slash = strchr(cidr, '/');
  char *end = NULL;
  long p = slash ? strtol(slash + 1, &end, 10) : -1;
  if (!slash || (size_t)(slash - cidr) >= sizeof ip || !end || *end || p < 0 || p > 32) return EINVAL;
  memcpy(ip, cidr, (size_t)(slash - cidr));
  ip[slash - cidr] = 0;
  if (inet_pton(AF_INET, ip, addr) != 1) return EINVAL;
  *prefix = (int)p;
  return 0;
}

/* MAC, address, up: the interface `index` becomes an endpoint (its default route is separate). */
static int configure(int index, const char *ifname, const unsigned char mac[6], const char *cidr, struct in_addr addr, int prefix) {
  req_t r;
  int err;
  link_req(&r, index, 0, 0);
  attr(&r, IFLA_ADDRESS, mac, 6);
  if ((err = talk(&r)) != 0) return fail("set address of", ifname, err);
  struct ifaddrmsg *a = msg_req(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifaddrmsg));
  a->ifa_family = AF_INET;
  a->ifa_prefixlen = (unsigned char)prefix;
  a->ifa_index = (unsigned)index;
  attr(&r, IFA_LOCAL, &addr, sizeof addr);
  attr(&r, IFA_ADDRESS, &addr, sizeof addr);
  if ((err = talk(&r)) != 0) return fail("add address", cidr, err);

  link_req(&r, index, IFF_UP, IFF_UP);
  if ((err = talk(&r)) != 0) return fail("set up", ifname, err);
  return 0;
}

static int default_route(int index, struct in_addr gw, const char *gws) {
  req_t r;
  struct rtmsg *rt = msg_req(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, sizeof(struct rtmsg));
  rt->rtm_family = AF_INET;
  rt->rtm_table = RT_TABLE_MAIN;
  rt->rtm_protocol = RTPROT_BOOT;
  rt->rtm_scope = RT_SCOPE_UNIVERSE;
  rt->rtm_type = RTN_UNICAST;
  attr(&r, RTA_GATEWAY, &gw, sizeof gw);
  attr(&r, RTA_OIF, &index, sizeof index);
  int err = talk(&r);
  return err != 0 ? fail("add default route via", gws, err) : 0;
}

/* berth-netcfg NSFILE IFNAME MAC ADDRESS/PREFIX [GATEWAY] */
static int endpoint_main(int argc, char **argv) {
  const char *nsfile = argv[1], *ifname = argv[2], *macs = argv[3], *cidr = argv[4], *gws = argc == 6 ? argv[5] : NULL;
  unsigned char mac[6];
  struct in_addr addr, gw;
  int prefix, err;
  if (parse_mac(macs, mac) != 0) return fail("parse", macs, EINVAL);
  if (parse_cidr(cidr, &addr, &prefix) != 0) return fail("parse", cidr, EINVAL);
  if (gws && inet_pton(AF_INET, gws, &gw) != 1) return fail("parse", gws, EINVAL);

  int fd = open(nsfile, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail("open", nsfile, errno);
  if (setns(fd, CLONE_NEWNET) < 0) return fail("setns", nsfile, errno);
  close(fd);
  /* made after setns: the socket talks to the namespace's own routing */
  if ((err = open_netlink()) != 0) return fail("socket", "netlink", err);
  int index = (int)if_nametoindex(ifname);
  if (index == 0) return fail("link", ifname, errno);
  if (configure(index, ifname, mac, cidr, addr, prefix) != 0) return 1;
  return gws ? default_route(index, gw, gws) : 0;
}

typedef struct {
  char *ifname, *hostveth, *bridge, *cidr, *gws;
  unsigned mtu;
  int has_mac, prefix;
  unsigned char mac[6];
  struct in_addr addr, gw;
} link_t;

/* IFNAME,HOSTVETH,BRIDGE,MTU[,MAC,ADDRESS/PREFIX[,GATEWAY]] */
static int parse_link(char *spec, link_t *l) {
  char *f[7] = {0};
  int n = 0;
  for (char *p = spec; n < 7; n++) {
    f[n] = p;
    char *comma = strchr(p, ',');
    if (!comma) {
      n++;
      break;
    }
    *comma = 0;
    p = comma + 1;
  }
  if (n != 4 && n != 6 && n != 7) return EINVAL;
  memset(l, 0, sizeof *l);
  l->ifname = f[0];
  l->hostveth = f[1];
  l->bridge = f[2];
  char *end = NULL;
  unsigned long mtu = strtoul(f[3], &end, 10);
  if (!*f[0] || !*f[1] || !*f[2] || strlen(f[0]) >= IFNAMSIZ || strlen(f[1]) >= IFNAMSIZ || !end || *end || mtu > 65535) return EINVAL;
  l->mtu = (unsigned)mtu;
  if (n >= 6) {
    if (parse_mac(f[4], l->mac) != 0 || parse_cidr(f[5], &l->addr, &l->prefix) != 0) return EINVAL;
    l->has_mac = 1;
    l->cidr = f[5];
  }
  if (n == 7) {
    if (inet_pton(AF_INET, f[6], &l->gw) != 1) return EINVAL;
    l->gws = f[6];
  }
  return 0;
}

/* The veth pair: l->ifname here, its peer l->hostveth in the namespace `peer_ns`. */
static int add_veth(const link_t *l, int peer_ns) {
  req_t r;
  struct ifinfomsg *i = msg_req(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
  i->ifi_family = AF_UNSPEC;
  attr(&r, IFLA_IFNAME, l->ifname, strlen(l->ifname) + 1);
  if (l->mtu) attr(&r, IFLA_MTU, &l->mtu, sizeof l->mtu);
  struct rtattr *info = nest(&r, IFLA_LINKINFO);
  attr(&r, IFLA_INFO_KIND, "veth", 5);
  struct rtattr *data = nest(&r, IFLA_INFO_DATA);
  struct rtattr *peer = nest(&r, VETH_INFO_PEER);
  /* the peer's own ifinfomsg header comes first, then its attributes */
  memset((char *)&r + r.h.nlmsg_len, 0, sizeof(struct ifinfomsg));
  r.h.nlmsg_len += NLMSG_ALIGN(sizeof(struct ifinfomsg));
  attr(&r, IFLA_IFNAME, l->hostveth, strlen(l->hostveth) + 1);
  if (l->mtu) attr(&r, IFLA_MTU, &l->mtu, sizeof l->mtu);
  attr(&r, IFLA_NET_NS_FD, &peer_ns, sizeof peer_ns);
  nest_end(&r, peer);
  nest_end(&r, data);
  nest_end(&r, info);
  int err = talk(&r);
  if (err == 0) return 0;
  char pair[2 * IFNAMSIZ + 8];
  snprintf(pair, sizeof pair, "%s peer %s", l->ifname, l->hostveth);
  return fail("add veth", pair, err);
}

/* berth-netcfg make|join NSFILE LINK... */
static int links_main(int argc, char **argv) {
  int make = strcmp(argv[1], "make") == 0;
  const char *nsfile = argv[2];
  int nlinks = argc - 3, err;
  link_t links[16];
  if (nlinks > 16) return fail("parse", "links", E2BIG);
  for (int k = 0; k < nlinks; k++) {
    char *spec = strdup(argv[3 + k]); /* parse_link cuts its copy at the commas; argv stays whole for the message */
    if (!spec) return fail("parse", argv[3 + k], ENOMEM);
    if (parse_link(spec, &links[k]) != 0) return fail("parse", argv[3 + k], EINVAL);
  }

  int host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (host < 0) return fail("open", "/proc/self/ns/net", errno);
  if (make) {
    /* as `ip netns add`: a new namespace, kept by a bind mount of its nsfs file */
    if (unshare(CLONE_NEWNET) < 0) return fail("unshare", "net", errno);
    if (mount("/proc/self/ns/net", nsfile, "none", MS_BIND, NULL) < 0) return fail("bind", nsfile, errno);
  } else {
    int fd = open(nsfile, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail("open", nsfile, errno);
    if (setns(fd, CLONE_NEWNET) < 0) return fail("setns", nsfile, errno);
    close(fd);
  }
  if ((err = open_netlink()) != 0) return fail("socket", "netlink", err);
  req_t r;
  if (make) {
    link_req(&r, (int)if_nametoindex("lo"), IFF_UP, IFF_UP);
    if ((err = talk(&r)) != 0) return fail("set up", "lo", err);
  }
  for (int k = 0; k < nlinks; k++) {
    link_t *l = &links[k];
    if (add_veth(l, host) != 0) return 1;
    if (!l->has_mac) continue;
    int index = (int)if_nametoindex(l->ifname);
    if (index == 0) return fail("link", l->ifname, errno);
    if (configure(index, l->ifname, l->mac, l->cidr, l->addr, l->prefix) != 0) return 1;
  }
  /* default routes once every interface is up, as the batch did */
  for (int k = 0; k < nlinks; k++) {
    link_t *l = &links[k];
    if (!l->gws) continue;
    if (default_route((int)if_nametoindex(l->ifname), l->gw, l->gws) != 0) return 1;
  }

  if (setns(host, CLONE_NEWNET) < 0) return fail("setns", "host", errno);
  if ((err = open_netlink()) != 0) return fail("socket", "netlink", err);
  for (int k = 0; k < nlinks; k++) {
    link_t *l = &links[k];
    int index = (int)if_nametoindex(l->hostveth), master = (int)if_nametoindex(l->bridge);
    if (index == 0) return fail("link", l->hostveth, errno);
    if (master == 0) return fail("link", l->bridge, errno);
    link_req(&r, index, IFF_UP, IFF_UP);
    attr(&r, IFLA_MASTER, &master, sizeof master);
    if ((err = talk(&r)) != 0) return fail("set master and up", l->hostveth, err);
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 3 && (strcmp(argv[1], "make") == 0 || strcmp(argv[1], "join") == 0)) return links_main(argc, argv);
  if (argc != 5 && argc != 6) {
    fprintf(stderr, "usage: berth-netcfg NSFILE IFNAME MAC ADDRESS/PREFIX [GATEWAY]\n"
                    "       berth-netcfg make|join NSFILE IFNAME,HOSTVETH,BRIDGE,MTU[,MAC,ADDRESS/PREFIX[,GATEWAY]]...\n");
    return 2;
  }
  return endpoint_main(argc, argv);
}
