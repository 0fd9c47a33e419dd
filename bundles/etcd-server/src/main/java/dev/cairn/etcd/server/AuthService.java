package dev.cairn.etcd.server;

import dev.cairn.etcd.pb.AuthGrpc;
import dev.cairn.etcd.pb.Rpc;
import io.grpc.stub.StreamObserver;

/**
 * etcd's Auth service as an etcd with authentication disabled and no users or roles answers it: status says
 * disabled, Authenticate says "authentication is not enabled", enabling needs a root user (there is none), and
 * every user or role lookup finds nothing. Cairn has no user store behind the etcd API (clients authenticate with
 * TLS certificates), so adding a user or a role is refused with etcd's "not capable".
 */
final class AuthService extends AuthGrpc.AuthImplBase {
    /** A fresh etcd auth store commits revision 1. */
    private static final long AUTH_REVISION = 1;

    private final ResponseHeaders headers;
    private final Replies replies;

    AuthService(ResponseHeaders headers, Replies replies) {
        this.headers = headers;
        this.replies = replies;
    }

    @Override
    public void authStatus(Rpc.AuthStatusRequest r, StreamObserver<Rpc.AuthStatusResponse> out) {
        replies.now(out, () -> Rpc.AuthStatusResponse.newBuilder().setHeader(headers.current())
                .setEnabled(false).setAuthRevision(AUTH_REVISION).build());
    }

    @Override
    public void authEnable(Rpc.AuthEnableRequest r, StreamObserver<Rpc.AuthEnableResponse> out) {
        replies.now(out, () -> {
            throw GrpcErrors.ROOT_USER_NOT_EXIST;
        });
    }

    @Override
    public void authDisable(Rpc.AuthDisableRequest r, StreamObserver<Rpc.AuthDisableResponse> out) {
        replies.now(out, () -> Rpc.AuthDisableResponse.newBuilder().setHeader(headers.current()).build());
    }

    @Override
    public void authenticate(Rpc.AuthenticateRequest r, StreamObserver<Rpc.AuthenticateResponse> out) {
        replies.now(out, () -> {
            throw GrpcErrors.AUTH_NOT_ENABLED;
        });
    }

    @Override
    public void userAdd(Rpc.AuthUserAddRequest r, StreamObserver<Rpc.AuthUserAddResponse> out) {
        replies.now(out, () -> {
            if (r.getName().isEmpty()) {
                throw GrpcErrors.USER_EMPTY;
            }
            throw GrpcErrors.NOT_CAPABLE;
        });
    }

    @Override
    public void userGet(Rpc.AuthUserGetRequest r, StreamObserver<Rpc.AuthUserGetResponse> out) {
        replies.now(out, () -> {
            throw GrpcErrors.USER_NOT_FOUND;
        });
    }

    @Override
    public void userList(Rpc.AuthUserListRequest r, StreamObserver<Rpc.AuthUserListResponse> out) {
        replies.now(out, () -> Rpc.AuthUserListResponse.newBuilder().setHeader(headers.current()).build());
    }

    @Override
    public void userDelete(Rpc.AuthUserDeleteRequest r, StreamObserver<Rpc.AuthUserDeleteResponse> out) {
        replies.now(out, () -> {
            throw GrpcErrors.USER_NOT_FOUND;
        });
    }

    @Override
    public void userChangePassword(Rpc.AuthUserChangePasswordRequest r,
            StreamObserver<Rpc.AuthUserChangePasswordResponse> out) {
        replies.now(out, () -> {
            throw GrpcErrors.USER_NOT_FOUND;
        });
    }

    @Override
    public void userGrantRole(Rpc.AuthUserGrantRoleRequest r, StreamObserver<Rpc.AuthUserGrantRoleResponse> out) {
        replies.now(out, () -> {
            throw GrpcErrors.USER_NOT_FOUND;
        });
    }

    @Override
    public void userRevokeRole(Rpc.AuthUserRevokeRoleRequest r,
            StreamObserver<Rpc.AuthUserRevokeRoleResponse> out) {
        replies.now(out, () -> {
            throw GrpcErrors.USER_NOT_FOUND;
        });
    }

    @Override
    public void roleAdd(Rpc.AuthRoleAddRequest r, StreamObserver<Rpc.AuthRoleAddResponse> out) {
        replies.now(out, () -> {
            if (r.getName().isEmpty()) {
                throw GrpcErrors.ROLE_EMPTY;
            }
            throw GrpcErrors.NOT_CAPABLE;
        });
    }

    @Override
    public void roleGet(Rpc.AuthRoleGetRequest r, StreamObserver<Rpc.AuthRoleGetResponse> out) {
        replies.now(out, () -> {
            throw GrpcErrors.ROLE_NOT_FOUND;
        });
    }

    @Override
    public void roleList(Rpc.AuthRoleListRequest r, StreamObserver<Rpc.AuthRoleListResponse> out) {
        replies.now(out, () -> Rpc.AuthRoleListResponse.newBuilder().setHeader(headers.current()).build());
    }

    @Override
    public void roleDelete(Rpc.AuthRoleDeleteRequest r, StreamObserver<Rpc.AuthRoleDeleteResponse> out) {
        replies.now(out, () -> {
            throw GrpcErrors.ROLE_NOT_FOUND;
        });
    }

    @Override
    public void roleGrantPermission(Rpc.AuthRoleGrantPermissionRequest r,
            StreamObserver<Rpc.AuthRoleGrantPermissionResponse> out) {
        replies.now(out, () -> {
            if (!r.hasPerm()) {
                throw GrpcErrors.PERMISSION_NOT_GIVEN;
            }
            throw GrpcErrors.ROLE_NOT_FOUND;
        });
    }

    @Override
    public void roleRevokePermission(Rpc.AuthRoleRevokePermissionRequest r,
            StreamObserver<Rpc.AuthRoleRevokePermissionResponse> out) {
        replies.now(out, () -> {
            throw GrpcErrors.ROLE_NOT_FOUND;
        });
    }
}
