/*
 * EpubBatch: EPUBCheck on many books in one JVM (a JVM start costs 1-2 s).
 * Run in source-file mode (needs a JDK's jdk.compiler module):
 *     java -Xss1024k -cp /usr/share/java/epubcheck.jar tests/gen/EpubBatch.java < list
 * Reads one book path a line; prints EPUBCheck's messages, then for each book
 *     RESULT <fatals> <errors> <warnings> <path>
 */
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.util.DefaultReportImpl;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;

public class EpubBatch {
	public static void main(String[] args) throws Exception {
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
		String path;
		while ((path = in.readLine()) != null) {
			if (path.isEmpty())
				continue;
			DefaultReportImpl report = new DefaultReportImpl(path);
			int f = -1, e = -1, w = -1;
			try {
				new EpubCheck(new File(path), report).validate();
				f = report.getFatalErrorCount();
				e = report.getErrorCount();
				w = report.getWarningCount();
			} catch (Throwable t) {
				System.out.println("FATAL(EpubBatch): " + path + ": " + t);
				f = 1;
			}
			System.out.println("RESULT " + f + " " + e + " " + w + " " + path);
			System.out.flush();
		}
	}
}
