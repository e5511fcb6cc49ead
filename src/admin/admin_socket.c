/* admin_socket: the admin socket's address and the data directory's lock file. */
#include "admin/admin_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int admin_socket_addr(const char *data_dir, struct sockaddr_un *sa, int *dirfd)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	*dirfd = -1;
	int n = snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/admin.sock", data_dir);
	if (n >= 0 && (size_t)n < sizeof(sa->sun_path))
		return 0;
	/* too long for sun_path (108 bytes): go through the directory's descriptor */
	int fd = open(data_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/admin.sock", fd);
	*dirfd = fd;
	return 0;
}

int admin_lock_open(const char *data_dir)
{
	if (mkdir(data_dir, 0700) < 0 && errno != EEXIST)
		return -1;
	char path[4200];
	int n = snprintf(path, sizeof(path), "%s/admin.lock", data_dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	return open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
}
